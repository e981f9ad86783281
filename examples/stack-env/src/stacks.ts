import { type Collection, collection } from 'noclobber';
import { type PgPool, PostgresStore } from 'noclobber/postgres';

/** A deployable stack with its environment variables. */
export interface Stack {
  [field: string]: unknown;
  slug: string;
  status: 'active' | 'deleting';
  env_vars: Record<string, string>;
}

/** The 64 KiB cap on a stack's environment, from seed 004. */
export const ENV_CAP_BYTES = 64 * 1024;

/** The existing table noclobber binds (it does not own the schema). */
export const STACKS_DDL = `CREATE TABLE IF NOT EXISTS stacks (
  slug text PRIMARY KEY,
  status text NOT NULL DEFAULT 'active',
  env_vars jsonb NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1
)`;

/**
 * The stacks collection: env merges are capped at 64 KiB inside the write's statement, and
 * a patch over 64 KiB is refused before any query.
 * @example
 * ```ts
 * const stacks = await openStacks(pool);
 * ```
 */
export async function openStacks(pool: PgPool & { query(sql: string): Promise<unknown> }): Promise<Collection<Stack>> {
  await pool.query(STACKS_DDL);
  const store = await PostgresStore.open<Stack>(pool, {
    table: 'stacks',
    key: 'slug',
    maxBytes: { env_vars: ENV_CAP_BYTES },
  });
  return collection(store, { maxPatchBytes: ENV_CAP_BYTES, retry: { attempts: 3 } });
}
