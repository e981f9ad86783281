import { SetupError } from '../../core/errors/setup-error.js';
import { mapPgError } from './postgres-errors.js';
import { dollarQuote, ident, tableIdent } from './postgres-sql.js';
import type { PgPool } from './postgres-store-config.js';

/**
 * The default name of the table of tombstones, in the data table's schema (option
 * `tombstoneTable` names another).
 * @example
 * ```ts
 * await pool.query(pgTombstoneDdl(`"app"."${PG_TOMBSTONE_TABLE}"`)); // in a migration
 * ```
 */
export const PG_TOMBSTONE_TABLE = 'noclobber_tombstones';

/**
 * Where a PostgreSQL store keeps, per key, the last version the key had when it was deleted,
 * so the key's next record starts after it and no version names two incarnations.
 * Every create also takes the key's row here (`ON CONFLICT DO UPDATE`, which sees and locks
 * the latest committed row whatever the statement's snapshot): that is what orders a create
 * after every delete of the key that committed before it — see docs/design.md.
 */
export interface PgTombstones {
  /** The table, quoted (`"public"."noclobber_tombstones"`). */
  readonly quoted: string;
  /** The store's name in it: the data table, schema-qualified and quoted. */
  readonly store: string;
  /** The data table's schema, quoted (where a tombstone trigger's function is made). */
  readonly schema: string;
}

/**
 * The DDL of the table of tombstones, to run yourself (or in a migration) when the store may
 * not create it.
 * @example
 * ```ts
 * await pool.query(pgTombstoneDdl('"app"."noclobber_tombstones"'));
 * ```
 */
export function pgTombstoneDdl(quoted: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoted} (store text NOT NULL, key text NOT NULL, version bigint NOT NULL, deleted_at timestamptz, PRIMARY KEY (store, key))`;
}

/**
 * The DDL as a statement that tolerates a store opening at once in another session: two
 * `CREATE TABLE IF NOT EXISTS` race in the catalog — the loser fails with unique_violation
 * (pg_type's unique index), duplicate_table or duplicate_object ("type … already exists",
 * when the winner's row type committed between the loser's check and its insert) — and the
 * loser's error would abort the transaction it runs in (a Prisma extension opens its store on the first call,
 * which may be inside `$transaction`: every later statement was 25P02). The `EXCEPTION`
 * block is a subtransaction, so only the losing CREATE is undone.
 */
function createOnce(ddl: string): string {
  return `DO ${dollarQuote(` BEGIN ${ddl}; EXCEPTION WHEN unique_violation OR duplicate_table OR duplicate_object THEN NULL; END `)}`;
}

async function query(pool: Pick<PgPool, 'query'>, sql: string, values: unknown[] = []) {
  try {
    return (await pool.query(sql, values)).rows;
  } catch (e) {
    throw mapPgError(e, 'read');
  }
}

const columnsOf = async (pool: Pick<PgPool, 'query'>, quoted: string) =>
  (
    await query(
      pool,
      // Only a table's columns: a composite type or a view of that name is not the table.
      "SELECT a.attname::text AS name FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE a.attrelid = to_regclass($1) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
      [quoted],
    )
  ).map((r) => r.name as string);

/**
 * Finds the table of tombstones of a data table (`quotedTable`), creating it unless `create`
 * is false. A table that is missing and cannot be made (a role without CREATE), or that lacks
 * a column, is a `SetupError` holding the DDL. `table` names it: schema-qualified, or in the
 * data table's schema (default `noclobber_tombstones` there).
 * @example
 * ```ts
 * const tombstones = await openTombstones(pool, '"app"."docs"', {});
 * ```
 */
export async function openTombstones(
  pool: Pick<PgPool, 'query'>,
  quotedTable: string,
  options: { table?: string; create?: boolean },
): Promise<PgTombstones> {
  const [data] = await query(
    pool,
    'SELECT n.nspname::text AS schema, c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)',
    [quotedTable],
  );
  const schema = data?.schema as string;
  const named = options.table ?? PG_TOMBSTONE_TABLE;
  const quoted = named.includes('.') ? tableIdent(named) : `${ident(schema)}.${ident(named)}`;
  const ddl = pgTombstoneDdl(quoted);
  let columns = await columnsOf(pool, quoted);
  if (columns.length === 0) {
    if (options.create === false)
      throw new SetupError(`noclobber/postgres: the table of tombstones ${quoted} does not exist`, { statements: ddl });
    try {
      await pool.query(createOnce(ddl));
    } catch (e) {
      const code = (e as { code?: unknown })?.code;
      if (code !== '23505' && code !== '42P07' && code !== '42710') {
        const mapped = mapPgError(e, 'read');
        if ((mapped as { code?: string }).code !== 'database') throw mapped;
        throw new SetupError(
          `noclobber/postgres: could not create the table of tombstones ${quoted}; run the statement as its owner`,
          {
            statements: ddl,
            cause: mapped,
          },
        );
      }
    }
    columns = await columnsOf(pool, quoted);
    if (columns.length === 0)
      throw new SetupError(
        `noclobber/postgres: could not create the table of tombstones ${quoted}: another object (a type or a relation) has its name; drop it or name another table with the tombstoneTable option`,
        { statements: ddl },
      );
  }
  const missing = ['store', 'key', 'version', 'deleted_at'].filter((c) => !columns.includes(c));
  if (missing.length > 0)
    throw new SetupError(`noclobber/postgres: the table of tombstones ${quoted} has no column ${missing.join(', ')}`, {
      statements: ddl,
    });
  return { quoted, store: `${ident(schema)}.${ident(data?.name as string)}`, schema: ident(schema) };
}

/**
 * A key as the text its tombstone is found by, from typed expressions — parameters cast to
 * the key columns' types, or a row's key columns — so `'01'` for an integer key and `1` are one key.
 * @example
 * ```ts
 * tombstoneKey(['$1::text']); // '($1::text)::text'
 * ```
 */
export function tombstoneKey(parts: readonly string[]): string {
  const texts = parts.map((x) => `(${x})::text`);
  return texts.length === 1 ? (texts[0] as string) : `jsonb_build_array(${texts.join(', ')})::text`;
}

/**
 * A create's first step, the CTE `hw`: takes the key's row of tombstones — inserted with
 * version 0 when the key was never deleted — and returns the last version the key had.
 * `ON CONFLICT DO UPDATE` sees and locks the latest committed row (at REPEATABLE READ, one
 * newer than the snapshot is a serialization failure), so a delete that committed before the
 * create's insert is always seen, and one still running waits for the create. `gate` (a
 * query) skips it when the statement's snapshot already sees the record: the create then
 * reports `exists` without writing.
 * @example
 * ```ts
 * claimSql(tombstones, '$3::text', tombstoneKey(['$1::text']));
 * ```
 */
export function claimSql(t: PgTombstones, store: string, key: string, gate?: string): string {
  return `hw AS (INSERT INTO ${t.quoted} AS b (store, key, version) SELECT ${store}, ${key}, 0${gate ? ` WHERE NOT EXISTS (${gate})` : ''}
 ON CONFLICT (store, key) DO UPDATE SET version = b.version, deleted_at = NULL RETURNING b.version)`;
}

/**
 * A delete's last step, a CTE after `w` (the deleted row, its version as `__nc_v`): keeps the
 * row's version as the key's tombstone (the larger, if one is there), in the same statement.
 * @example
 * ```ts
 * burySql(tombstones, '$3::text', tombstoneKey(['w."id"']));
 * ```
 */
export function burySql(t: PgTombstones, store: string, key: string): string {
  return `tb AS (INSERT INTO ${t.quoted} AS b (store, key, version, deleted_at) SELECT ${store}, ${key}, COALESCE(w.__nc_v::bigint, 0), now() FROM w
 ON CONFLICT (store, key) DO UPDATE SET version = GREATEST(b.version, EXCLUDED.version), deleted_at = EXCLUDED.deleted_at)`;
}
