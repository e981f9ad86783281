import type { RaceTarget } from '../../testing/race-target.js';
import { describeError, StoreUnavailableError } from '../store-unavailable-error.js';
import { UsageError } from '../usage-error.js';

type Opener = () => Promise<{ openTarget(options: { url?: string }): Promise<RaceTarget> }>;

/** The driver package each store's target needs (noclobber's optional peer dependencies). */
const DRIVERS: Record<string, string | undefined> = {
  memory: undefined,
  sqlite: 'better-sqlite3',
  postgres: 'pg',
  dynamodb: '@aws-sdk/client-dynamodb',
};

// Each store's target lives in `./<name>-target.ts`; loaded on demand so a missing driver
// only matters when that store is asked for.
const OPENERS: Record<string, Opener> = Object.fromEntries(
  Object.keys(DRIVERS).map((name) => [name, () => import(/* @vite-ignore */ `./${name}-target.js`)]),
);

/** Store names `--store` accepts. */
export const STORE_NAMES = Object.keys(OPENERS);

/**
 * Resolves `--store`: a name (`sqlite`, `memory`, `postgres`, `dynamodb`) or a URL
 * (`postgres://…` → PostgreSQL at that server, `http://host:port` → DynamoDB endpoint,
 * `sqlite:/path.db` → that SQLite file). A store whose driver package is not installed,
 * or that cannot be reached, is a one-line `StoreUnavailableError`.
 * @example
 * ```ts
 * const target = await openRaceTarget('postgres://localhost/app');
 * ```
 */
export async function openRaceTarget(spec: string): Promise<RaceTarget> {
  let name = spec;
  let url: string | undefined;
  if (/^postgres(ql)?:\/\//.test(spec)) [name, url] = ['postgres', spec];
  else if (/^https?:\/\//.test(spec)) [name, url] = ['dynamodb', spec];
  else if (spec.startsWith('sqlite:')) [name, url] = ['sqlite', spec];
  const opener = OPENERS[name];
  if (!opener)
    throw new UsageError(
      `unknown store "${spec}" (one of ${STORE_NAMES.join(', ')}, or a postgres:// / http:// / sqlite: URL)`,
    );
  let mod: Awaited<ReturnType<Opener>>;
  try {
    mod = await opener();
  } catch (e) {
    const driver = DRIVERS[name];
    if (driver && (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && describeError(e).includes(driver))
      throw new StoreUnavailableError(`the ${name} store needs the ${driver} package: npm install ${driver}`, e);
    throw e;
  }
  return mod.openTarget(url === undefined ? {} : { url });
}
