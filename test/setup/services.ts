import { get } from 'node:http';
import { inject } from 'vitest';
import type { ServiceName } from '../../tools/services/index.js';
import type { ServiceAnswer } from './service-broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's service broker (see `service-broker.ts`). */
    SERVICES_BROKER: string;
  }
}

const asked = new Map<string, Promise<ServiceAnswer>>();

function ask(url: string): Promise<ServiceAnswer> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => void (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as ServiceAnswer);
        } catch (e) {
          reject(e);
        }
      });
    }).on('error', reject);
  });
}

/**
 * Whether this is a CI run (`CI` set to anything but `false`/`0`): there a service that
 * cannot start, or a missing browser, fails the run instead of skipping.
 * @example
 * ```ts
 * if (!available && inCi()) throw new Error('Chromium is required in CI');
 * ```
 */
export function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** An error whose report is its one line: the reason is the whole story, a stack would bury it. */
function oneLineError(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}

/**
 * The URL of a real server for this test file — PostgreSQL (`postgres://…`), DynamoDB
 * (`http://…` endpoint) or MariaDB (`mysql://…`) — started on first request by the run's
 * broker, or `undefined` when the suites that need it must skip. Skips are loud (one line
 * saying why). A service that is selected but cannot start skips outside CI and fails the
 * file in CI (`CI` set); one not selected by `STORES` is skipped everywhere.
 * @example
 * ```ts
 * const url = await service('postgres');
 * describe.skipIf(!url)('PostgreSQL: …', () => { … });
 * ```
 */
export async function service(name: ServiceName): Promise<string | undefined> {
  const broker = inject('SERVICES_BROKER');
  if (!broker)
    throw oneLineError(
      `no service broker: run the tests through vitest.config.ts (npm test), whose global setup starts it`,
    );
  let pending = asked.get(name);
  if (!pending) {
    pending = ask(`${broker}/${name}`);
    asked.set(name, pending);
  }
  const answer = await pending;
  if ('url' in answer) return answer.url;
  if (answer.failed && inCi()) throw oneLineError(`${name} is required in CI and could not start: ${answer.reason}`);
  console.warn(`\n*** SKIPPING ${name.toUpperCase()} TESTS *** ${answer.reason}\n`);
  return undefined;
}
