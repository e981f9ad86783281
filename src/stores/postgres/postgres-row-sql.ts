import type { Expect } from '../../core/expect.js';
import { keyFields } from '../../core/key.js';
import type { StoreSchema } from '../../core/store.js';
import type { Key } from '../../core/types.js';
import { guardSql } from './postgres-guards-sql.js';
import { ident, type KeyParts, type PgParams, whereOf } from './postgres-sql.js';
import type { PgTable } from './postgres-table.js';
import { burySql, claimSql, tombstoneKey } from './postgres-tombstones.js';
import { firstVersionSql, nextVersionSql, versionText } from './postgres-version-sql.js';

/** A write statement, with the CTEs that keep tombstones before (a create) or after (a delete) it. */
export type WriteSql = { readonly sql: string; readonly before?: string; readonly after?: string };

/** A result row of a write statement, as `pg` returns it. */
type ResultRow = Record<string, unknown>;

/**
 * What one write statement decided: the row it wrote (with the row as it was before, on
 * PostgreSQL 18 when asked), or that it wrote nothing — with the key's current row as the
 * same statement read it (`undefined`: no row), for `explainFailure` to say why.
 */
export type PgWriteAttempt =
  | { readonly outcome: 'written'; readonly row: ResultRow; readonly before: ResultRow | undefined }
  | { readonly outcome: 'refused'; readonly current: ResultRow | undefined };

/**
 * Reads the first row of a {@link PgRowSql.conditional} statement as a {@link PgWriteAttempt}.
 * @example
 * ```ts
 * const attempt = writeAttempt((await pool.query(sql, p.values)).rows[0]);
 * ```
 */
export function writeAttempt(row: ResultRow | undefined): PgWriteAttempt {
  if (row?.__nc_w !== true) return { outcome: 'refused', current: row };
  const before = row.__nc_old ? { ...(row.__nc_old as ResultRow), __nc_v: row.__nc_oldv } : undefined;
  return { outcome: 'written', row, before };
}

/**
 * The SQL text of a PostgreSQL store's row statements over its table: reads, locks and the
 * one-statement conditional writes. Values are always bound parameters (`PgParams`), names
 * always go through `ident`; running them and explaining a refusal is `PostgresStore`'s part.
 * @example
 * ```ts
 * const sql = new PgRowSql(table, schema, false);
 * const p = new PgParams();
 * await pool.query(sql.select(key, p), p.values);
 * ```
 */
export class PgRowSql {
  readonly #table: PgTable;
  readonly #schema: StoreSchema;
  readonly #timestamp: boolean;
  readonly #colLists = new Map<string, string>();

  constructor(table: PgTable, schema: StoreSchema, timestamp: boolean) {
    this.#table = table;
    this.#schema = schema;
    this.#timestamp = timestamp;
  }

  /** The version column of the row under `alias`, as the version string. */
  v(alias: string): string {
    return versionText(`${alias}.${ident(this.#schema.versionField)}`, this.#timestamp);
  }

  /** The table's columns under `alias`, listed: a column added later must not change a prepared statement's result. */
  cols(alias: string): string {
    let list = this.#colLists.get(alias);
    if (!list) {
      list = [...this.#table.columns.keys()].map((c) => `${alias}.${ident(c)}`).join(', ');
      this.#colLists.set(alias, list);
    }
    return list;
  }

  keyParts(key: Key, p: PgParams): KeyParts {
    const fields = keyFields(this.#schema, key);
    return this.#schema.keyFields.map((f) => [ident(f), p.add(fields[f], this.#table.columns.get(f)?.type)] as const);
  }

  keyWhere(key: Key, p: PgParams): (alias: string) => string {
    return whereOf(this.keyParts(key, p));
  }

  /** The expectation on an existing row `t`: its version, then each guard. */
  conditions(expect: Expect, p: PgParams): string[] {
    const parts: string[] = [];
    if (expect.version !== undefined) parts.push(`${this.v('t')} = ${p.add(expect.version, 'text')}`);
    for (const g of expect.where ?? []) parts.push(guardSql(g, this.#table.columns, p));
    return parts;
  }

  /** A checked value (checkChange refused what a column cannot hold) as a typed parameter. */
  encode(name: string, value: unknown, p: PgParams): string {
    const column = this.#table.columns.get(name);
    if (!column || value === null || value === undefined) return `NULL${column ? `::${column.type}` : ''}`;
    return column.json ? p.json(value) : p.add(value, column.type);
  }

  /** The row of `key` with its version as `__nc_v`; `lock` is a locking clause (` FOR UPDATE`). */
  select(key: Key, p: PgParams, lock = ''): string {
    const where = this.keyWhere(key, p)('t');
    return `SELECT ${this.cols('t')}, ${this.v('t')} AS __nc_v FROM ${this.#table.quoted} AS t WHERE ${where}${lock}`;
  }

  /** ONE statement locking the rows of `keys` in key order (PostgreSQL sorts before it locks). */
  lockAll(keys: readonly Key[], p: PgParams): string {
    const which = keys.map((k) => `(${this.keyWhere(k, p)('t')})`).join(' OR ');
    const order = this.#schema.keyFields.map((f) => `t.${ident(f)}`).join(', ');
    return `SELECT 1 FROM ${this.#table.quoted} AS t WHERE ${which} ORDER BY ${order} FOR UPDATE`;
  }

  /**
   * A create of `value` (its checked, non-null fields) at key `parts`. `gated`: an
   * autocommit create whose snapshot sees the record reports it without writing (it is
   * ordered before any delete of it).
   */
  insert(value: Record<string, unknown>, parts: KeyParts, p: PgParams, gated: boolean): WriteSql {
    const t = this.#table.tombstones;
    // Top-level null is absent: a null field the table has no column for is nothing to write.
    const names = Object.keys(value).filter((n) => value[n] !== undefined && value[n] !== null);
    // The version after the key's tombstone (hw.version: 0 for a key never deleted), never one an earlier record had.
    const initial = firstVersionSql('hw.version', this.#timestamp, this.#table.versionType);
    const gate = gated ? `SELECT 1 FROM ${this.#table.quoted} AS g WHERE ${whereOf(parts)('g')}` : undefined;
    // claim: takes the key's tombstone row (hw), which orders this create after every committed delete.
    const claim = claimSql(t, p.add(t.store, 'text'), tombstoneKey(parts.map(([, ph]) => ph)), gate);
    const columns = [...names.map(ident), ident(this.#schema.versionField)].join(', ');
    const values = [...names.map((n) => this.encode(n, value[n], p)), initial].join(', ');
    return {
      sql: `INSERT INTO ${this.#table.quoted} AS t (${columns}) SELECT ${values} FROM hw ON CONFLICT DO NOTHING`,
      before: claim,
    };
  }

  /** An update of row `t` setting `sets`, where `guardCheck` holds (the key, the expectation, the pushdown's checks). */
  update(sets: readonly string[], guardCheck: readonly string[]): WriteSql {
    const v = ident(this.#schema.versionField);
    const versionBump = `${v} = ${nextVersionSql(`t.${v}`, this.#timestamp, this.#table.versionType)}`;
    return {
      sql: `UPDATE ${this.#table.quoted} AS t SET ${[...sets, versionBump].join(', ')} WHERE ${guardCheck.join(' AND ')}`,
    };
  }

  /** A delete of the row `where` names if `expect` holds; its version stays as the key's tombstone (`bury`). */
  delete(where: (alias: string) => string, expect: Expect, p: PgParams): WriteSql {
    const guardCheck = [where('t'), ...this.conditions(expect, p)];
    const t = this.#table.tombstones;
    const bury = burySql(t, p.add(t.store, 'text'), tombstoneKey(this.#schema.keyFields.map((f) => `w.${ident(f)}`)));
    return { sql: `DELETE FROM ${this.#table.quoted} AS t WHERE ${guardCheck.join(' AND ')}`, after: bury };
  }

  /**
   * ONE statement that runs `write` and answers either way (read it with {@link writeAttempt}):
   * - `w`, the write itself: its WHERE is the guard check (key, expected version, guards), so
   *   it writes at most the one row, and only if every condition holds;
   * - `returning`: the row as written with its version (and, with `returnOld`, the row before
   *   — PostgreSQL 18's `old`), flagged `__nc_w = true`;
   * - `currentRow`: only when `w` wrote nothing, the key's row as this statement sees it,
   *   flagged false — what the refusal is explained from, with no second, racy round trip.
   * `write.before` / `write.after` are the tombstone CTEs around it.
   */
  conditional(write: WriteSql, key: (alias: string) => string, returnOld: boolean): string {
    const old = returnOld ? `, to_jsonb(old) AS __nc_old, ${this.v('old')} AS __nc_oldv` : '';
    const returning = `RETURNING ${this.cols('t')}, ${this.v('t')} AS __nc_v${old}`;
    const ctes = [write.before, `w AS (${write.sql} ${returning})`, write.after].filter(Boolean).join(', ');
    const written = 'SELECT true AS __nc_w, * FROM w';
    const currentRow = `SELECT false, ${this.cols('c')}, ${this.v('c')}${returnOld ? ', NULL::jsonb, NULL::text' : ''} FROM ${this.#table.quoted} AS c WHERE ${key('c')} AND NOT EXISTS (SELECT 1 FROM w)`;
    return `WITH ${ctes}\n${written}\nUNION ALL ${currentRow}`;
  }
}
