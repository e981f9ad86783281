import { listedFields } from '../../core/listed-fields.js';
import type { FieldType, StoreSchema } from '../../core/store.js';
import { affinityType, type SqliteColumn } from './sqlite-ops-sql.js';
import { ident } from './sqlite-sql.js';
import { affinityOf, type SqliteDatabase, type SqliteStoreConfig } from './sqlite-store-config.js';

/** An introspected table: its columns and the schema the core validates against. */
export interface SqliteTable {
  readonly name: string;
  readonly quoted: string;
  readonly columns: ReadonlyMap<string, SqliteColumn>;
  readonly schema: StoreSchema;
}

/**
 * Reads the table's columns with `PRAGMA table_info` and checks the config against them;
 * a wrong table, key, version or JSON column is a `TypeError` naming what is wrong.
 * @example
 * ```ts
 * const table = inspectTable(db, { table: 'docs', key: 'id', json: ['data'] });
 * ```
 */
export function inspectTable(db: SqliteDatabase, config: SqliteStoreConfig): SqliteTable {
  const info = db.prepare(`PRAGMA table_info(${ident(config.table)})`).all() as { name: string; type: string }[];
  if (info.length === 0) throw new TypeError(`noclobber/sqlite: table "${config.table}" does not exist`);
  const declared = new Map(info.map((c) => [c.name, c.type]));
  const keyFields = typeof config.key === 'string' ? [config.key] : [...config.key];
  const versionField = config.version ?? 'version';
  const json = config.json ?? [];
  for (const k of keyFields)
    if (!declared.has(k)) throw new TypeError(`noclobber/sqlite: key column "${k}" is not in "${config.table}"`);
  if (!declared.has(versionField))
    throw new TypeError(`noclobber/sqlite: version column "${versionField}" is not in "${config.table}"`);
  if (affinityOf(declared.get(versionField) ?? '') !== 'integer') {
    throw new TypeError(`noclobber/sqlite: version column "${versionField}" must be INTEGER`);
  }
  for (const j of json) {
    if (!declared.has(j)) throw new TypeError(`noclobber/sqlite: JSON column "${j}" is not in "${config.table}"`);
    if (keyFields.includes(j) || j === versionField)
      throw new TypeError(`noclobber/sqlite: "${j}" cannot be both a JSON column and the key or version`);
  }
  for (const c of Object.keys(config.maxBytes ?? {}))
    if (!json.includes(c)) throw new TypeError(`noclobber/sqlite: maxBytes names "${c}", which is not a JSON column`);
  const columns = new Map<string, SqliteColumn>();
  for (const c of info) {
    if (c.name === versionField) continue;
    columns.set(c.name, { name: c.name, json: json.includes(c.name), affinity: affinityOf(c.type) });
  }
  const fieldTypes: Record<string, FieldType> = {};
  for (const c of columns.values()) if (!c.json) fieldTypes[c.name] = affinityType(c.affinity);
  return {
    name: config.table,
    quoted: ident(config.table),
    columns,
    schema: {
      keyFields,
      versionField,
      fields: listedFields(config.fields, keyFields, [...columns.keys()], `sqlite: table "${config.table}"`),
      jsonFields: [...json],
      fieldTypes,
      ...(config.maxBytes ? { maxBytes: { ...config.maxBytes } } : {}),
    },
  };
}
