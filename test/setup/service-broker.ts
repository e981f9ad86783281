import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServiceName, startDynamoDbLocal, startMariaDb, startPostgres } from '../../tools/services/index.js';

/** The services a test can ask for. */
export const SERVICE_NAMES: readonly ServiceName[] = ['postgres', 'dynamodb', 'mariadb'];

/** What the broker answers for one service. */
export type ServiceAnswer =
  /** Running (or given by the environment) at `url`. */
  | { readonly url: string }
  /** Not there: `failed` when it was wanted but could not start (a CI failure), else not selected by `STORES`. */
  | { readonly reason: string; readonly failed: boolean };

/** A started service: where it is and how to stop it. */
export interface Started {
  readonly url: string;
  stop(): Promise<void>;
}

/** How each service starts: from the environment's own server when one is named, else a local one. */
export const STARTERS: Readonly<Record<ServiceName, () => Promise<Started>>> = {
  postgres: async () => (process.env.DATABASE_URL ? given(process.env.DATABASE_URL) : startPostgres()),
  dynamodb: async () => {
    if (process.env.DYNAMODB_ENDPOINT) return given(process.env.DYNAMODB_ENDPOINT);
    const local = await startDynamoDbLocal();
    return { url: local.endpoint, stop: () => local.stop() };
  },
  mariadb: async () => (process.env.MYSQL_URL ? given(process.env.MYSQL_URL) : startMariaDb()),
};

function given(url: string): Started {
  return { url, stop: async () => {} };
}

/** Each service's way around a local server that cannot start. */
const OWN_SERVER: Record<string, string> = {
  postgres: 'or set DATABASE_URL to a PostgreSQL of yours',
  dynamodb: 'or set DYNAMODB_ENDPOINT to a DynamoDB of yours',
  mariadb: 'or set MYSQL_URL to a MySQL/MariaDB of yours',
};

/** `STORES` names stores; the MariaDB service serves the `mysql` store. */
const STORE_OF: Record<ServiceName, readonly string[]> = {
  postgres: ['postgres'],
  dynamodb: ['dynamodb'],
  mariadb: ['mysql', 'mariadb'],
};

/**
 * Whether `STORES` (comma-separated store names; unset = all) selects the stores that need `service`.
 * @example
 * ```ts
 * selectedByStores('mariadb', 'sqlite,mysql'); // true
 * ```
 */
export function selectedByStores(service: ServiceName, stores: string | undefined = process.env.STORES): boolean {
  if (stores === undefined || stores.trim() === '') return true;
  const wanted = stores.split(',').map((s) => s.trim().toLowerCase());
  return STORE_OF[service].some((s) => wanted.includes(s));
}

/** The broker: where test workers ask for services, and how to stop what it started. */
export interface ServiceBroker {
  /** `http://127.0.0.1:<port>/<secret>`: workers append `/<service>`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts services on demand for the test workers: the first file that asks for PostgreSQL
 * starts it, every later one gets the same URL, and a run that asks for nothing starts
 * nothing (so `npx vitest run examples/product-patch` starts no server at all). A service
 * that fails to start is answered with its one-line reason; it never throws here.
 * @example
 * ```ts
 * const broker = await startServiceBroker();
 * // workers: GET `${broker.url}/postgres` -> { url } or { reason, failed }
 * await broker.close();
 * ```
 */
export async function startServiceBroker(
  starters: Readonly<Record<string, () => Promise<Started>>> = STARTERS,
): Promise<ServiceBroker> {
  const started = new Map<string, Promise<ServiceAnswer & { stop?: () => Promise<void> }>>();
  const secret = Math.random().toString(36).slice(2);
  const answer = (name: string) => {
    let pending = started.get(name);
    if (!pending) {
      pending = startOne(name, starters[name]);
      started.set(name, pending);
    }
    return pending;
  };
  const server: Server = createServer((req, res) => {
    const match = new RegExp(`^/${secret}/([a-z0-9-]+)$`).exec(req.url ?? '');
    const name = match?.[1];
    if (!name || !(name in starters)) {
      res.writeHead(404).end();
      return;
    }
    void answer(name).then(({ stop: _stop, ...body }) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${secret}`,
    async close() {
      await new Promise((r) => server.close(r));
      const all = await Promise.all(started.values());
      await Promise.all(all.map((s) => s.stop?.()));
    },
  };
}

async function startOne(
  name: string,
  start: (() => Promise<Started>) | undefined,
): Promise<ServiceAnswer & { stop?: () => Promise<void> }> {
  if (!selectedByStores(name as ServiceName))
    return { reason: `not selected by STORES=${process.env.STORES}`, failed: false };
  try {
    const began = Date.now();
    const s = await (start as () => Promise<Started>)();
    process.stderr.write(
      `test services: ${name} ready at ${s.url.replace(/:[^:@/]*@/, ':***@')} after ${((Date.now() - began) / 1000).toFixed(1)} s\n`,
    );
    return { url: s.url, stop: () => s.stop() };
  } catch (e) {
    const reason = `${(e as Error).message.split('\n')[0] ?? String(e)}${OWN_SERVER[name] ? ` (${OWN_SERVER[name]})` : ''}`;
    process.stderr.write(`\n*** ${name} is not available: ${reason}\n`);
    return { reason, failed: true };
  }
}
