import { dollarQuote, ident } from './postgres-sql.js';
import type { PgTable } from './postgres-table.js';
import { tombstoneKey } from './postgres-tombstones.js';
import { versionText } from './postgres-version-sql.js';

/** The name of the trigger on the data table (trigger names are per table). */
const TRIGGER = 'noclobber_tombstone';

/** 53 bits of a text (cyrb53), in base 36: a function name no other table of the schema gets. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * The DDL of a trigger that keeps a tombstone when a row of the store's table is deleted by
 * anything — plain SQL, an ORM's own delete, a cascade — as the store's own delete does,
 * so the key's next record starts after the deleted one's version there too. The function
 * lives in the data table's schema; every name in it is quoted, and the store's name
 * is computed from the trigger's own table (no text is spliced into a literal). Run it as
 * the table's owner; the role that deletes needs INSERT and UPDATE on the tombstone table.
 * It does not cover TRUNCATE (no row is seen). Three statements, to run in order (a driver
 * that prepares statements, as Prisma's does, takes one at a time).
 * @example
 * ```ts
 * for (const statement of pgTombstoneTriggerDdl(table, false)) await pool.query(statement);
 * ```
 */
export function pgTombstoneTriggerDdl(table: PgTable, timestamp: boolean): string[] {
  const t = table.tombstones;
  const fn = `${t.schema}.${ident(`noclobber_bury_${hash53(`${t.quoted} ${t.store}`)}`)}`;
  const store = `'"' || replace(TG_TABLE_SCHEMA, '"', '""') || '"."' || replace(TG_TABLE_NAME, '"', '""') || '"'`;
  const key = tombstoneKey(table.schema.keyFields.map((f) => `OLD.${ident(f)}`));
  const version = `COALESCE((${versionText(`OLD.${ident(table.schema.versionField)}`, timestamp)})::bigint, 0)`;
  const body = ` BEGIN INSERT INTO ${t.quoted} AS b (store, key, version, deleted_at) SELECT ${store}, ${key}, ${version}, now()
 ON CONFLICT (store, key) DO UPDATE SET version = GREATEST(b.version, EXCLUDED.version), deleted_at = EXCLUDED.deleted_at; RETURN NULL; END `;
  return [
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuote(body)}`,
    `DROP TRIGGER IF EXISTS ${TRIGGER} ON ${table.quoted}`,
    `CREATE TRIGGER ${TRIGGER} AFTER DELETE ON ${table.quoted} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}
