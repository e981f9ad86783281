import { SetupError } from '../../core/errors/setup-error.js';
import type { StoreSchema } from '../../core/store.js';
import type { Row } from '../../core/types.js';
import { mapSqliteError } from './sqlite-errors.js';
import { ident, Params } from './sqlite-sql.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-store-config.js';

/**
 * The default name of the table of tombstones (option `tombstoneTable` names another).
 * @example
 * ```ts
 * db.exec(sqliteTombstoneDdl(SQLITE_TOMBSTONE_TABLE)); // in a migration, before the store opens
 * ```
 */
export const SQLITE_TOMBSTONE_TABLE = 'noclobber_tombstones';

/**
 * Where a SQLite store keeps the last version of each deleted key, so the key's next record
 * starts after it: a version never names two incarnations. Every write runs under
 * `BEGIN IMMEDIATE` (or a savepoint of it), so "delete, then bury" and "insert, then take the
 * tombstone" are each atomic; a create consumes the tombstone, so the table holds only keys
 * that are deleted now.
 */
export interface SqliteTombstones {
  /** The table, quoted. */
  readonly quoted: string;
  /** The store's name in it: the data table's name as SQLite spells it. */
  readonly store: string;
}

/**
 * The DDL of the table of tombstones, to run yourself when the store may not create it.
 * @example
 * ```ts
 * db.exec(sqliteTombstoneDdl('noclobber_tombstones'));
 * ```
 */
export function sqliteTombstoneDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${ident(table)} (store TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, deleted_at INTEGER NOT NULL, PRIMARY KEY (store, key))`;
}

/**
 * Finds (or creates, unless `create` is false) the table of tombstones of `table`'s store;
 * a table that is missing and cannot be made, or lacks a column, is a `SetupError` holding
 * the DDL.
 * @example
 * ```ts
 * const tombstones = openTombstones(db, 'docs', { table: 'noclobber_tombstones', create: true });
 * ```
 */
export function openTombstones(
  db: SqliteDatabase,
  table: string,
  options: { table?: string; create?: boolean },
): SqliteTombstones {
  const name = options.table ?? SQLITE_TOMBSTONE_TABLE;
  const ddl = sqliteTombstoneDdl(name);
  const columns = () =>
    (db.prepare(`PRAGMA table_info(${ident(name)})`).all() as { name: string }[]).map((c) => c.name);
  let found = columns();
  if (found.length === 0) {
    if (options.create === false)
      throw new SetupError(`noclobber/sqlite: the table of tombstones "${name}" does not exist`, { statements: ddl });
    try {
      db.exec(ddl);
    } catch (e) {
      throw new SetupError(
        `noclobber/sqlite: could not create the table of tombstones "${name}"; run the statement yourself`,
        {
          statements: ddl,
          cause: mapSqliteError(e),
        },
      );
    }
    found = columns();
  }
  const missing = ['store', 'key', 'version', 'deleted_at'].filter((c) => !found.includes(c));
  if (missing.length > 0)
    throw new SetupError(`noclobber/sqlite: the table of tombstones "${name}" has no column ${missing.join(', ')}`, {
      statements: ddl,
    });
  // SQLite names are case-insensitive: the store is named as the schema spells its table.
  const spelled = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE`)
    .get(table) as { name: string } | undefined;
  return { quoted: ident(name), store: spelled?.name ?? table };
}

/**
 * The tombstone's key for a row: its key columns as SQLite stores them (so `'01'` written to
 * an INTEGER key is the same key as `1`), as JSON.
 */
export function tombstoneKey(keyFields: readonly string[], row: Row): string {
  return JSON.stringify(keyFields.map((f) => row[f] ?? null));
}

/** Statements on the tombstones, prepared by the store. */
export type Prepare = (sql: string) => SqliteStatement;

/**
 * After a delete: keeps the deleted row's version (the larger, if one is there already).
 * @example
 * ```ts
 * bury(prepare, tombstones, ['id'], deletedRow, 'version');
 * ```
 */
export function bury(
  prepare: Prepare,
  t: SqliteTombstones,
  keyFields: readonly string[],
  row: Row,
  versionField: string,
): void {
  prepare(
    `INSERT INTO ${t.quoted} (store, key, version, deleted_at) VALUES (@store, @key, @version, @at)
     ON CONFLICT (store, key) DO UPDATE SET version = max(version, excluded.version), deleted_at = excluded.deleted_at`,
  ).run({ store: t.store, key: tombstoneKey(keyFields, row), version: Number(row[versionField] ?? 0), at: Date.now() });
}

/**
 * A row just created, moved past its key's tombstone when the key was deleted before: the
 * tombstone is taken (found by the key as stored) and the row's version set to the one after
 * it. Runs in the create's own immediate transaction or savepoint.
 * @example
 * ```ts
 * const row = afterTombstone(prepare, tombstones, '"docs"', schema, insertedRow);
 * ```
 */
export function afterTombstone(
  prepare: Prepare,
  t: SqliteTombstones,
  table: string,
  schema: StoreSchema,
  inserted: Row,
): Row {
  const key = tombstoneKey(schema.keyFields, inserted);
  const found = prepare(`DELETE FROM ${t.quoted} WHERE store = @store AND key = @key RETURNING version`).get({
    store: t.store,
    key,
  }) as { version: number } | undefined;
  if (!found) return inserted;
  const p = new Params();
  const where = schema.keyFields.map((f) => `${ident(f)} = ${p.add(inserted[f])}`).join(' AND ');
  return prepare(
    `UPDATE ${table} SET ${ident(schema.versionField)} = ${p.add(found.version + 1)} WHERE ${where} RETURNING *`,
  ).get(p.values) as Row;
}
