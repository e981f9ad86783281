import { listedFields } from '../../core/listed-fields.js';
import type { FieldType, StoreSchema } from '../../core/store.js';
import { mapPgError } from './postgres-errors.js';
import { pgJsonTextBytes } from './postgres-measure.js';
import { tableIdent } from './postgres-sql.js';
import type { PgPool, PostgresStoreConfig } from './postgres-store-config.js';
import { openTombstones, type PgTombstones } from './postgres-tombstones.js';

/** What the store knows of a column. */
export interface PgColumn {
  readonly name: string;
  /** `format_type` of the column, used to cast parameters (`double precision`, `text`, …). */
  readonly type: string;
  readonly json: boolean;
  /** Scalar kind, to refuse values PostgreSQL would convert or round. */
  readonly kind: 'integer' | 'number' | 'string' | 'boolean' | 'other';
  /** What the column holds, as the core checks it (`StoreSchema.fieldTypes`). */
  readonly fieldType: FieldType;
}

/** int8 holds more, but JavaScript numbers carry integers exactly only up to 2^53 − 1. */
const INTEGER_RANGE: Readonly<Record<string, { min: number; max: number }>> = {
  int2: { min: -32768, max: 32767 },
  int4: { min: -2147483648, max: 2147483647 },
  int8: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
};
const FLOAT4_MAX = 3.4028234663852886e38;

function fieldTypeOf(typname: string, kind: PgColumn['kind']): FieldType {
  if (kind === 'integer') return { kind, ...INTEGER_RANGE[typname] };
  if (typname === 'float4') return { kind: 'number', min: -FLOAT4_MAX, max: FLOAT4_MAX };
  return { kind: kind === 'other' ? 'scalar' : kind };
}

/** An introspected table. */
export interface PgTable {
  readonly quoted: string;
  readonly columns: ReadonlyMap<string, PgColumn>;
  readonly versionType: string;
  readonly schema: StoreSchema;
  /** `server_version_num` (PostgreSQL 18 adds `RETURNING old.*`). */
  readonly serverVersion: number;
  /** Where deleted keys' last versions are kept. */
  readonly tombstones: PgTombstones;
}

/** A column as the catalog describes it. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
  readonly typname: string;
  readonly typcategory: string;
}

function kindOf(typname: string, category: string): PgColumn['kind'] {
  if (['int2', 'int4', 'int8'].includes(typname)) return 'integer';
  if (category === 'N') return 'number';
  if (category === 'S') return 'string';
  if (category === 'B') return 'boolean';
  return 'other';
}

/**
 * Reads the table's columns from the catalog and checks the config against them.
 * jsonb columns are the JSON columns; a `json` column is refused (it has no jsonb_set).
 * @example
 * ```ts
 * const table = await inspectTable(pool, { table: 'stacks', key: 'slug' });
 * ```
 */
export async function inspectTable(pool: PgPool, config: PostgresStoreConfig): Promise<PgTable> {
  const quoted = tableIdent(config.table, config.schema);
  const rows = await readColumns(pool, config.table, config.schema);
  const keyFields = typeof config.key === 'string' ? [config.key] : [...config.key];
  const versionField = config.version ?? 'version';
  const byName = new Map(rows.map((r) => [r.name as string, r]));
  for (const k of keyFields)
    if (!byName.has(k)) throw new TypeError(`noclobber/postgres: key column "${k}" is not in "${config.table}"`);
  const version = byName.get(versionField);
  if (!version) throw new TypeError(`noclobber/postgres: version column "${versionField}" is not in "${config.table}"`);
  const timestamp = config.versionKind === 'timestamp';
  if (
    timestamp
      ? !['timestamptz', 'timestamp'].includes(version.typname as string)
      : !['int4', 'int8'].includes(version.typname as string)
  ) {
    throw new TypeError(
      `noclobber/postgres: version column "${versionField}" must be ${timestamp ? 'a timestamp' : 'integer or bigint'}, not ${version.type}`,
    );
  }
  const columns = new Map<string, PgColumn>();
  for (const r of rows) {
    const name = r.name as string;
    if (name === versionField) continue;
    if (r.typname === 'json') throw new TypeError(`noclobber/postgres: column "${name}" is json; use jsonb`);
    columns.set(name, toPgColumn(r));
  }
  const shown = await pool.query('SHOW server_version_num').catch((e: unknown) => {
    throw mapPgError(e, 'read');
  });
  const serverVersion = Number(shown.rows[0]?.server_version_num ?? 0);
  const tombstones = await openTombstones(pool, quoted, {
    table: config.tombstoneTable,
    create: config.createTombstoneTable,
  });
  const jsonFields = [...columns.values()].filter((c) => c.json).map((c) => c.name);
  for (const c of Object.keys(config.maxBytes ?? {}))
    if (!jsonFields.includes(c))
      throw new TypeError(`noclobber/postgres: maxBytes names "${c}", which is not a jsonb column`);
  const fieldTypes: Record<string, FieldType> = {};
  for (const c of columns.values()) if (!c.json) fieldTypes[c.name] = c.fieldType;
  return {
    quoted,
    columns,
    versionType: version.type as string,
    serverVersion,
    tombstones,
    schema: {
      keyFields,
      versionField,
      fields: listedFields(config.fields, keyFields, [...columns.keys()], `postgres: table "${config.table}"`),
      jsonFields,
      fieldTypes,
      // text and jsonb cannot hold U+0000.
      noNulText: true,
      ...(config.maxBytes ? { maxBytes: { ...config.maxBytes }, measure: pgJsonTextBytes } : {}),
    },
  };
}

/**
 * The columns of a table (names as text, so every driver reads them as strings), in
 * order; a TypeError when the table does not exist. `table` and `schema` as in
 * {@link tableIdent}.
 * @example
 * ```ts
 * const columns = await readColumns(pool, 'app.stacks');
 * ```
 */
export async function readColumns(
  pool: Pick<PgPool, 'query'>,
  table: string,
  schema?: string,
): Promise<CatalogColumn[]> {
  const { rows } = await pool
    .query(
      `SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname::text AS typname, t.typcategory::text AS typcategory
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [tableIdent(table, schema)],
    )
    .catch((e: unknown) => {
      // A catalog query fails like any read: a lost or refused connection is a TransientError.
      throw mapPgError(e, 'read');
    });
  if (rows.length === 0)
    throw new TypeError(
      `noclobber/postgres: table "${schema === undefined ? table : `${schema}.${table}`}" does not exist`,
    );
  return rows as unknown as CatalogColumn[];
}

/**
 * What the store knows of a catalog column: jsonb is JSON, and its scalar kind.
 * @example
 * ```ts
 * toPgColumn({ name: 'n', type: 'integer', typname: 'int4', typcategory: 'N' }); // kind 'integer', int4's range
 * ```
 */
export function toPgColumn(r: CatalogColumn): PgColumn {
  const kind = kindOf(r.typname, r.typcategory);
  return { name: r.name, type: r.type, json: r.typname === 'jsonb', kind, fieldType: fieldTypeOf(r.typname, kind) };
}

/**
 * A column's value as read back: timestamps as ISO-8601 strings, int8 and numeric (which pg
 * reads as strings) as the numbers that were written — exact, since writes keep them in range.
 * @example
 * ```ts
 * columnValue({ name: 'n', type: 'bigint', json: false, kind: 'integer', fieldType: { kind: 'integer' } }, '42'); // 42
 * ```
 */
export function columnValue(column: PgColumn, raw: unknown): unknown {
  if (raw instanceof Date) return raw.toISOString();
  if (typeof raw === 'string' && (column.kind === 'integer' || column.kind === 'number')) {
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  return raw ?? null;
}
