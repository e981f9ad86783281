// One OS process of the multi-process bank: `writers` clients, each making `transfers`
// from-then-to transfers between 8 accounts in `transact` (the documented shape, no lock
// hints unless mode is `lockAll`). Prints what was acknowledged, refused and given up.
import Database from 'better-sqlite3';
import { add, type Collection, collection, inc, isNoclobberError, type Row } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { PostgresStore } from 'noclobber/postgres';
import { SqliteStore } from 'noclobber/sqlite';
import { localClient } from '../../tools/services/index.js';
import { newPool } from '../postgres/pg-harness.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const [kind, target, table, worker, writers, transfers, mode] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];

async function open(): Promise<Collection<Row>> {
  if (kind === 'postgres') return collection(await PostgresStore.open(newPool(target, 1), { table, key: 'id' }));
  if (kind === 'dynamodb') return collection(await DynamoStore.open(localClient(target), { table, json: ['log'] }));
  const db = new Database(target);
  db.pragma('journal_mode = WAL');
  return collection(new SqliteStore(db, { table, key: 'id', json: ['log'] }));
}

const ACCOUNTS = 8;
// mulberry32: a fixed-seed generator whose low bits are as random as its high ones.
let seed = Number(worker) * 7919;
const rnd = (n: number) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const acknowledged: string[] = [];
const refused: string[] = [];
const gaveUp: {
  id: string;
  code: string;
  reason?: string;
  attempts?: number;
  attemptsByCause?: unknown;
  message: string;
}[] = [];
const retries: Record<string, number> = {};
const clients = await Promise.all(Array.from({ length: Number(writers) }, open));
const started = Date.now();
await Promise.all(
  clients.map(async (accounts, w) => {
    for (let i = 0; i < Number(transfers); i++) {
      const id = `p${worker}w${w}t${i}`;
      const from = `acct-${rnd(ACCOUNTS)}`;
      let to = `acct-${rnd(ACCOUNTS)}`;
      if (to === from) to = `acct-${(Number(from.slice(5)) + 1) % ACCOUNTS}`;
      const amount = 1 + rnd(10);
      try {
        await accounts.transact(
          async (tx) => {
            if (mode === 'lockAll') await tx.lockAll([from, to]);
            await tx.apply(from, [inc('balance', -amount, { min: 0 }), add('log', `-${id}:${amount}`)]);
            await tx.apply(to, [inc('balance', amount), add('log', `+${id}:${amount}`)]);
          },
          {
            retry: {
              onRetry: ({ error }) => {
                const why = `${error.code}${'reason' in error ? `:${String(error.reason)}` : ''}`;
                retries[why] = (retries[why] ?? 0) + 1;
              },
            },
          },
        );
        acknowledged.push(id);
      } catch (e) {
        if (isNoclobberError(e) && e.code === 'guard_failed') refused.push(id);
        else {
          const x = e as {
            code?: string;
            reason?: string;
            attempts?: number;
            attemptsByCause?: unknown;
            message: string;
          };
          gaveUp.push({
            id,
            code: x.code ?? 'untyped',
            ...(x.reason ? { reason: x.reason } : {}),
            attempts: x.attempts,
            attemptsByCause: x.attemptsByCause,
            message: x.message,
          });
        }
      }
    }
  }),
);
process.stdout.write(JSON.stringify({ worker, acknowledged, refused, gaveUp, retries, ms: Date.now() - started }));
process.exit(0);
