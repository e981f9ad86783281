import type { Expect } from '../../core/expect.js';
import { keyFields } from '../../core/key.js';
import type { StoreSchema } from '../../core/store.js';
import type { Key } from '../../core/types.js';
import { guardSql } from './sqlite-guards-sql.js';
import { ident, type Params } from './sqlite-sql.js';
import type { SqliteTable } from './sqlite-table.js';

/** The integer a canonical version string names, or -1 (no row has it) for "02", "2.0", "abc". */
function canonicalVersion(version: string): number {
  const n = Number(version);
  return Number.isSafeInteger(n) && String(n) === version ? n : -1;
}

/**
 * The SQL text of an SQLite store's row statements over its table. Values are always
 * bound parameters (`Params`), names always go through `ident`; running the statements
 * and explaining a refusal is `SqliteStore`'s part.
 * @example
 * ```ts
 * const sql = new SqliteRowSql(table, table.schema);
 * const p = new Params();
 * db.prepare(sql.select(key, p)).get(p.values);
 * ```
 */
export class SqliteRowSql {
  readonly #table: SqliteTable;
  readonly #schema: StoreSchema;

  constructor(table: SqliteTable, schema: StoreSchema) {
    this.#table = table;
    this.#schema = schema;
  }

  keyWhere(key: Key, p: Params): string {
    const fields = keyFields(this.#schema, key);
    return this.#schema.keyFields.map((f) => `${ident(f)} = ${p.add(fields[f])}`).join(' AND ');
  }

  /** The guard check of a write: the key, the expected version, then each guard. */
  conditions(key: Key, expect: Expect, p: Params): string {
    const parts = [this.keyWhere(key, p)];
    // Versions are canonical integers: "02" or "2.0" is no version the store ever gave out.
    if (expect.version !== undefined)
      parts.push(`${ident(this.#schema.versionField)} = ${p.add(canonicalVersion(expect.version))}`);
    for (const g of expect.where ?? []) parts.push(guardSql(g, this.#table.columns, p));
    return parts.join(' AND ');
  }

  /** A checked value as the column stores it (checkChange refused what a column cannot hold). */
  encode(name: string, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    return this.#table.columns.get(name)?.json ? JSON.stringify(value) : value;
  }

  select(key: Key, p: Params): string {
    return `SELECT * FROM ${this.#table.quoted} WHERE ${this.keyWhere(key, p)}`;
  }

  /** A create of `row` (its checked fields) at version 1, or nothing when the key holds a row. */
  insert(row: Record<string, unknown>, p: Params): string {
    // Top-level null is absent: a null field the table has no column for is nothing to write.
    const names = Object.keys(row).filter((k) => row[k] !== undefined && row[k] !== null);
    const values = names.map((n) => p.add(this.encode(n, row[n])));
    const columns = [...names.map(ident), ident(this.#schema.versionField)].join(', ');
    return `INSERT INTO ${this.#table.quoted} (${columns}) VALUES (${[...values, '1'].join(', ')}) ON CONFLICT DO NOTHING RETURNING *`;
  }

  /** An update setting `sets` and bumping the version, where `guardCheck` holds; `withClause` prefixes it. */
  update(sets: readonly string[], guardCheck: string, withClause?: string): string {
    const v = ident(this.#schema.versionField);
    const versionBump = `${v} = ${v} + 1`;
    const update = `UPDATE ${this.#table.quoted} SET ${[...sets, versionBump].join(', ')} WHERE ${guardCheck} RETURNING *`;
    return withClause === undefined ? update : `${withClause} ${update}`;
  }

  delete(key: Key, expect: Expect, p: Params): string {
    return `DELETE FROM ${this.#table.quoted} WHERE ${this.conditions(key, expect, p)} RETURNING *`;
  }
}
