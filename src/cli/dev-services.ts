import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeError, StoreUnavailableError } from './store-unavailable-error.js';

/** A server started for the race, and how to stop it. */
export interface StartedServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * What the CLI uses from a checkout's dev services (`tools/services/`, not published):
 * typed here by shape, so nothing in `src` imports them and nothing dev-only ships.
 */
interface DevServices {
  startPostgres(options?: { database?: string }): Promise<StartedServer>;
  startDynamoDbLocal(): Promise<{ endpoint: string; stop(): Promise<void> }>;
}

/** What to do instead, per store, where no dev services are installed (the published package). */
const WITHOUT_CHECKOUT = {
  postgres:
    'install PostgreSQL (or run one: docker run -e POSTGRES_PASSWORD=pw -p 5432:5432 postgres) and pass its URL: --store postgres://postgres:pw@localhost:5432/postgres',
  dynamodb:
    'install DynamoDB Local (or run it: docker run -p 8000:8000 amazon/dynamodb-local) and pass its endpoint: --store http://localhost:8000',
} as const;

// Two levels up from src/cli/ (run with tsx) and dist/cli/ (built) is the package root.
const TOOLS = new URL('../../tools/services/index.ts', import.meta.url);

/** The dev services of a noclobber checkout, or undefined where they are not present. */
async function loadDevServices(): Promise<DevServices | undefined> {
  try {
    return (await import(/* @vite-ignore */ TOOLS.href)) as DevServices;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const aboutTools = describeError(e).includes('tools/services');
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNKNOWN_FILE_EXTENSION') && aboutTools) {
      if (!existsSync(fileURLToPath(TOOLS))) return undefined; // an installed package
      // A checkout's built CLI under plain node: the services are TypeScript.
      throw new StoreUnavailableError(
        'the dev services of this checkout are TypeScript: run the CLI with tsx (npm start -- --store …)',
        e,
      );
    }
    if (code === 'ERR_MODULE_NOT_FOUND')
      throw new StoreUnavailableError(
        `the dev services need this checkout's devDependencies (${describeError(e)}): run npm install`,
        e,
      );
    throw e;
  }
}

/**
 * Starts a throwaway local server for `--store postgres` / `--store dynamodb` from the
 * checkout's dev services. Where they are not present (the published package), or the
 * server cannot start, rejects with a one-line {@link StoreUnavailableError} that says
 * what to install or pass instead.
 * @example
 * ```ts
 * const pg = await startDevServer('postgres');
 * ```
 */
export async function startDevServer(store: keyof typeof WITHOUT_CHECKOUT): Promise<StartedServer> {
  const services = await loadDevServices();
  if (!services)
    throw new StoreUnavailableError(
      `--store ${store} starts a local server only from a noclobber checkout; ${WITHOUT_CHECKOUT[store]}`,
    );
  try {
    if (store === 'postgres') return await services.startPostgres({ database: 'postgres' });
    const local = await services.startDynamoDbLocal();
    return { url: local.endpoint, stop: () => local.stop() };
  } catch (e) {
    // The services' own errors are one line naming the cause and the remedy already.
    throw new StoreUnavailableError(
      `${describeError(e)} (or ${store === 'postgres' ? 'pass --store postgres://user:password@host:5432/db' : 'pass --store http://host:port'})`,
      e,
    );
  }
}
