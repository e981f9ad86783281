import type { RaceTarget } from '../../testing/race-target.js';
import { UsageError } from '../usage-error.js';

type Opener = () => Promise<{ openTarget(options: { url?: string }): Promise<RaceTarget> }>;

// Each store's target lives in `./<name>-target.ts`; loaded on demand so a missing driver
// only matters when that store is asked for.
const OPENERS: Record<string, Opener> = Object.fromEntries(
  ['memory', 'sqlite', 'postgres', 'dynamodb'].map((name) => [name, () => import(/* @vite-ignore */ `./${name}-target.js`)]),
);

/** Store names `--store` accepts. */
export const STORE_NAMES = Object.keys(OPENERS);

/**
 * Resolves `--store`: a name (`sqlite`, `memory`, `postgres`, `dynamodb`) or a URL
 * (`postgres://…` → PostgreSQL at that server, `http://host:port` → DynamoDB endpoint,
 * `sqlite:/path.db` → that SQLite file).
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
  if (!opener) throw new UsageError(`unknown store "${spec}" (one of ${STORE_NAMES.join(', ')}, or a postgres:// / http:// / sqlite: URL)`);
  let mod: Awaited<ReturnType<Opener>>;
  try {
    mod = await opener();
  } catch (e) {
    throw new UsageError(`the ${name} store is not available in this build (${(e as Error).message.split('\n')[0]})`);
  }
  return mod.openTarget(url === undefined ? {} : { url });
}
