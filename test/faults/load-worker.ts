// A fault-suite worker writing as fast as it can through `connections` connections (pools or
// clients) — apply, update and two-row transactions with markers — while the test stops and
// restarts the server, until the test creates `stopFile` (or a minute passed). It prints every
// write's outcome and every retry's cause.
import { existsSync } from 'node:fs';
import { add, collection, inc, isNoclobberError, type RetryInfo, type Row, type Store } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { PostgresStore } from 'noclobber/postgres';
import { localClient } from '../../tools/services/index.js';
import { newPool } from '../postgres/pg-harness.js';
import { say } from './workers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const [kind, target, table, worker, connections, stopFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const ROWS = ['row-0', 'row-1', 'row-2', 'row-3'];
// Enough connection attempts to ride out a restart; conflicts keep the standard budget.
const retry = { connectionAttempts: 400, baseMs: 5, capMs: 100, onRetry: (r: RetryInfo) => say({ retry: r.cause }) };

/** Opens a store, retrying what open() says is worth retrying (the server may be restarting). */
async function open(): Promise<Store<Row>> {
  const pool = kind === 'postgres' ? newPool(target, 1) : undefined;
  const client = kind === 'dynamodb' ? localClient(target) : undefined;
  for (;;) {
    try {
      return pool
        ? await PostgresStore.open(pool, { table, key: 'id' })
        : await DynamoStore.open(client as never, { table, json: ['markers'] });
    } catch (e) {
      if (!isNoclobberError(e) || !e.retryable) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const until = Date.now() + 60_000;
const going = () => Date.now() < until && !existsSync(stopFile);
await Promise.all(
  Array.from({ length: Number(connections) }, async (_, c) => {
    const docs = collection(await open(), { retry });
    for (let i = 0; going(); i++) {
      const marker = `p${worker}c${c}i${i}`;
      const a = ROWS[(c + i) % 4] as string;
      const b = ROWS[(c + i + 1) % 4] as string;
      const op = i % 3;
      say({ start: marker, rows: op === 2 ? [a, b] : [a] });
      try {
        if (op === 0) await docs.apply(a, [inc('n', 1), add('markers', marker)]);
        else if (op === 1)
          await docs.update(a, (v) => ({
            ...v,
            n: (v.n as number) + 1,
            markers: [...(v.markers as string[]), marker],
          }));
        else
          await docs.transact(async (tx) => {
            await tx.apply(a, [inc('n', 1), add('markers', marker)]);
            await tx.apply(b, [inc('n', 1), add('markers', marker)]);
          });
        say({ ack: marker });
      } catch (e) {
        const x = e as {
          code?: string;
          reason?: string;
          attemptsByCause?: Record<string, number>;
          message?: string;
          cause?: { code?: string; message?: string };
        };
        say({
          error: marker,
          code: x.code ?? String(x.message),
          ...(x.reason ? { reason: x.reason } : {}),
          typed: isNoclobberError(e),
          ...(x.attemptsByCause ? { attemptsByCause: x.attemptsByCause } : {}),
          ...(x.cause ? { cause: `${x.cause.code ?? ''} ${x.cause.message ?? ''}`.trim() } : {}),
        });
      }
    }
  }),
);
process.exit(0);
