import { ident, nameLiteral } from './sqlite-sql.js';
import type { SqliteTable } from './sqlite-table.js';
import type { SqliteTombstones } from './sqlite-tombstones.js';

/**
 * The DDL of a trigger that keeps a tombstone when a row of the store's table is deleted by
 * anything — plain SQL, an ORM's delete, a cascade — as the store's own delete does, so the
 * key's next record starts after the deleted one's version there too. The key is spelled as
 * the store spells it (`json_array` of the key columns as stored: the same text as the
 * store's `JSON.stringify` for TEXT and INTEGER columns), so a key column of another
 * affinity is refused with a `TypeError`. Two statements, to run in order (`db.exec` takes
 * both); it does not cover deletes of the whole table made by `DROP TABLE`. The store's name
 * is text in the trigger: after renaming the table, drop the old trigger and run the new DDL.
 * @example
 * ```ts
 * for (const statement of sqliteTombstoneTriggerDdl(table, tombstones)) db.exec(statement);
 * ```
 */
export function sqliteTombstoneTriggerDdl(table: SqliteTable, t: SqliteTombstones): string[] {
  const { keyFields, versionField } = table.schema;
  for (const f of keyFields) {
    const affinity = table.columns.get(f)?.affinity;
    if (affinity !== 'text' && affinity !== 'integer')
      throw new TypeError(
        `noclobber/sqlite: key column "${f}" has ${affinity} affinity; a trigger cannot spell its key as the store does (TEXT and INTEGER keys only)`,
      );
  }
  const key = `json_array(${keyFields.map((f) => `OLD.${ident(f)}`).join(', ')})`;
  const now = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
  const trigger = ident(`noclobber_tombstone_${table.name}`);
  return [
    `DROP TRIGGER IF EXISTS ${trigger}`,
    `CREATE TRIGGER ${trigger} AFTER DELETE ON ${table.quoted} FOR EACH ROW BEGIN
 INSERT INTO ${t.quoted} (store, key, version, deleted_at) VALUES (${nameLiteral(t.store)}, ${key}, coalesce(OLD.${ident(versionField)}, 0), ${now})
 ON CONFLICT (store, key) DO UPDATE SET version = max(version, excluded.version), deleted_at = excluded.deleted_at; END`,
  ];
}
