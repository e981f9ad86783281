import type { ChildSchema } from '../../core/aggregate-diff.js';
import type { StoreSchema } from '../../core/store.js';
import { tableIdent } from './postgres-sql.js';
import type { PgPool, PostgresStoreConfig } from './postgres-store-config.js';
import { inspectTable, type PgColumn, type PgTable, readColumns, toPgColumn } from './postgres-table.js';

/**
 * One child relation of an aggregate: rows of another table that hold the root's key.
 * @example
 * ```ts
 * const images: PostgresChildConfig = { table: 'product_images', orderBy: ['position', 'id'] };
 * ```
 */
export interface PostgresChildConfig {
  /** Table name, optionally schema-qualified unless `schema` is given (as for the root). */
  readonly table: string;
  /** The table's schema. When given, `table` is one name as it is (dots included). */
  readonly schema?: string;
  /** The child's key column(s). Default: the table's primary key. */
  readonly key?: string | readonly string[];
  /** The child column(s) holding the root's key, in the root key's order. Default: the one foreign key to the root table. */
  readonly parentKey?: string | readonly string[];
  /** Columns the rows are ordered by in the aggregate's value. Default: the child's key. */
  readonly orderBy?: readonly string[];
}

/**
 * An aggregate: a root table carrying the version, and child relations written with it.
 * @example
 * ```ts
 * const config: PostgresAggregateConfig = {
 *   table: 'products', key: 'id',
 *   children: { images: { table: 'product_images' }, variants: { table: 'product_variants' } },
 * };
 * ```
 */
export interface PostgresAggregateConfig extends PostgresStoreConfig {
  readonly children: Readonly<Record<string, PostgresChildConfig>>;
}

/** An inspected child relation. */
export interface PgChild {
  /** The relation's name: the field of the aggregate's value holding its rows. */
  readonly name: string;
  readonly quoted: string;
  readonly columns: ReadonlyMap<string, PgColumn>;
  readonly schema: ChildSchema;
  readonly orderBy: readonly string[];
}

/** An inspected aggregate: the root table and its children. */
export interface PgAggregateTable {
  readonly root: PgTable;
  readonly children: readonly PgChild[];
  /** The root's schema with every relation as a JSON field holding an array of rows. */
  readonly schema: StoreSchema;
}

const list = (v: string | readonly string[]) => (typeof v === 'string' ? [v] : [...v]);

/**
 * The primary key columns of a table, in key order (empty when it has none). `table` and
 * `schema` as in `tableIdent`.
 * @example
 * ```ts
 * await primaryKey(pool, 'product_images'); // ['id']
 * ```
 */
export async function primaryKey(pool: Pick<PgPool, 'query'>, table: string, schema?: string): Promise<string[]> {
  const { rows } = await pool.query(
    `SELECT a.attname::text AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [tableIdent(table, schema)],
  );
  return rows.map((r) => r.name as string);
}

/** Foreign keys from `child` to `root` (both quoted): the child's columns and the root columns they reference, in order. */
async function foreignKeys(pool: PgPool, child: string, root: string): Promise<{ cols: string[]; refs: string[] }[]> {
  const names = (rel: string, keys: string) =>
    `(SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.${keys}) WITH ORDINALITY AS k(n, i) JOIN pg_attribute a ON a.attrelid = c.${rel} AND a.attnum = k.n)`;
  const { rows } = await pool.query(
    `SELECT ${names('conrelid', 'conkey')} AS cols, ${names('confrelid', 'confkey')} AS refs FROM pg_constraint c
      WHERE c.contype = 'f' AND c.conrelid = to_regclass($1) AND c.confrelid = to_regclass($2)`,
    [child, root],
  );
  return rows.map((r) => ({ cols: r.cols as string[], refs: r.refs as string[] }));
}

async function inspectChild(pool: PgPool, name: string, config: PostgresChildConfig, root: PgTable): Promise<PgChild> {
  const where = `noclobber/postgres: child relation "${name}" (${config.table})`;
  const quoted = tableIdent(config.table, config.schema);
  const columns = new Map(
    (await readColumns(pool, config.table, config.schema)).map((r) => [r.name, toPgColumn(r)] as const),
  );
  const keyFields = config.key ? list(config.key) : await primaryKey(pool, config.table, config.schema);
  if (keyFields.length === 0) throw new TypeError(`${where} has no primary key; name its key`);
  let parentFields: string[];
  if (config.parentKey) parentFields = list(config.parentKey);
  else {
    const rootKey = root.schema.keyFields;
    const fks = (await foreignKeys(pool, quoted, root.quoted)).filter(
      (f) => f.refs.length === rootKey.length && rootKey.every((k) => f.refs.includes(k)),
    );
    if (fks.length !== 1)
      throw new TypeError(`${where} has ${fks.length} foreign keys to the root's key; name its parentKey`);
    const fk = fks[0] as { cols: string[]; refs: string[] };
    parentFields = rootKey.map((k) => fk.cols[fk.refs.indexOf(k)] as string);
  }
  if (parentFields.length !== root.schema.keyFields.length)
    throw new TypeError(`${where}: parentKey must have one column per root key column`);
  const orderBy = config.orderBy ? [...config.orderBy] : keyFields;
  for (const c of [...keyFields, ...parentFields, ...orderBy])
    if (!columns.has(c)) throw new TypeError(`${where} has no column "${c}"`);
  for (const c of columns.values())
    if (c.type === 'json') throw new TypeError(`${where}: column "${c.name}" is json; use jsonb`);
  return { name, quoted, columns, schema: { keyFields, parentFields }, orderBy };
}

/**
 * Reads the root table (as the PostgreSQL store does) and each child table from the
 * catalog: columns, key (primary key by default) and the foreign key to the root.
 * @example
 * ```ts
 * const table = await inspectAggregate(pool, { table: 'products', key: 'id', children: { images: { table: 'product_images' } } });
 * ```
 */
export async function inspectAggregate(pool: PgPool, config: PostgresAggregateConfig): Promise<PgAggregateTable> {
  const root = await inspectTable(pool, config);
  const names = Object.keys(config.children);
  if (names.length === 0) throw new TypeError('noclobber/postgres: an aggregate needs at least one child relation');
  for (const n of names)
    if (root.columns.has(n))
      throw new TypeError(`noclobber/postgres: child relation "${n}" has the name of a column of "${config.table}"`);
  const children: PgChild[] = [];
  // One after the other: the pool may be a single transaction's client.
  for (const n of names) children.push(await inspectChild(pool, n, config.children[n] as PostgresChildConfig, root));
  const fields = root.schema.fields ?? [];
  const jsonFields = root.schema.jsonFields ?? [];
  return {
    root,
    children,
    schema: { ...root.schema, fields: [...fields, ...names], jsonFields: [...jsonFields, ...names] },
  };
}
