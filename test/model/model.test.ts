import fc from 'fast-check';
import { type Collection, collection, type Row } from 'noclobber';
import { describe, it } from 'vitest';
import { service } from '../setup/services.js';
import { scenario } from './model-arbitraries.js';
import {
  dynamoModelDb,
  type ModelDb,
  memoryModelDb,
  postgresModelDb,
  prismaModelDb,
  SIBLINGS,
  sqliteModelDb,
} from './model-db.js';
import { buried, type Command, canonical, live, referenceStep, type State, storeStep } from './model-reference.js';

/**
 * The model-based conformance suite. fast-check generates runs — two rows, then writes
 * (ops, replaces, creates, checked deletes) whose path segments, keys, guard paths and
 * values come from a hostile alphabet (quotes, `"`, `\`, `$`, `--`, `/*`, `;`, unicode,
 * numeric-looking and overlong names, Object.prototype names, huge, tiny and deep values)
 * — and runs each on a real store (PostgreSQL both through `pg` and through Prisma, on a
 * model whose table, key, version and fields all have hostile names) and on the reference
 * (`applyOps` / `evaluateGuard` via `explainFailure`, under the store's own schema). Every step must give the same outcome
 * (the same snapshot, or an error of the same class, code and reason), both rows must then
 * read back as the model says, and after the run every other row and table — read through a
 * raw connection, not through noclobber — must hash exactly as before. Runs delete keys and
 * create them again: the reference keeps a tombstone, expectations name the deleted
 * incarnation's last version, and no version the store hands out for a key is ever handed
 * out again in the run (every version names one content). Failures shrink to a
 * minimal run; fixed seeds make them reproducible (MODEL_SEED / MODEL_RUNS override).
 */
const RUNS = Number(process.env.MODEL_RUNS ?? 300);
const SEED = Number(process.env.MODEL_SEED ?? 20261101);

const stores: [string, () => Promise<ModelDb>][] = [
  ['memory', async () => memoryModelDb()],
  ['sqlite (:memory:)', async () => sqliteModelDb('memory')],
  ['sqlite (WAL file)', async () => sqliteModelDb('file')],
];
const pgUrl = await service('postgres');
if (pgUrl) stores.push(['postgres', () => postgresModelDb(pgUrl)], ['prisma', () => prismaModelDb(pgUrl)]);
const dynamo = await service('dynamodb');
if (dynamo) stores.push(['dynamodb', () => dynamoModelDb(dynamo)]);

async function readBack(docs: Collection<Row>, keys: readonly string[]): Promise<(string | undefined)[]> {
  return Promise.all(keys.map(async (k) => docs.get(k).then((s) => s && `${s.version} ${canonical(s.value)}`)));
}

describe('model-based conformance: hostile writes agree with the reference on every store', () => {
  for (const [name, open] of stores) {
    // Concurrent: each store has its own database, and the servers' waits overlap with the CPU-bound ones.
    it.concurrent(`${name}: ${RUNS} generated runs`, { timeout: 600_000 }, async ({ expect }) => {
      const db = await open();
      try {
        const docs = collection(db.store, { retry: { attempts: 1 } });
        for (const s of SIBLINGS) await docs.create(s.id as string, s);
        const baseline = await db.checksum([]);
        let run = 0;
        await fc.assert(
          fc.asyncProperty(scenario, async ({ rows, commands }) => {
            run += 1;
            const keys = [`r${run}'a`, `r${run}-b 日\u{1F600}`];
            const state: State = new Map();
            // Per key, every version the store handed out by a write: none may come twice.
            const handedOut = new Map<string, Set<string>>(keys.map((k) => [k, new Set()]));
            const steps: Command[] = [
              ...rows.map((value, key): Command => ({ kind: 'create', key, value })),
              ...commands,
            ];
            try {
              for (const [i, cmd] of steps.entries()) {
                const key = keys[cmd.key] as string;
                const version = live(state, key)?.version ?? 0;
                const old = buried(state, key);
                const expected = referenceStep(db.store.schema, state, key, cmd);
                const actual = await storeStep(docs, key, cmd, version, old);
                expect(JSON.stringify(actual), `step ${i} (${cmd.kind})`).toBe(JSON.stringify(expected));
                if ('ok' in actual && cmd.kind !== 'delete') {
                  const seen = handedOut.get(key) as Set<string>;
                  expect(
                    seen.has(actual.ok.version),
                    `step ${i}: version ${actual.ok.version} of ${key} handed out twice`,
                  ).toBe(false);
                  seen.add(actual.ok.version);
                }
                const model = keys.map((k) => {
                  const e = live(state, k);
                  return e && `${e.version} ${canonical(e.value)}`;
                });
                expect(await readBack(docs, keys), `rows after step ${i}`).toEqual(model);
              }
              expect(await db.checksum(keys), 'every other row and table').toBe(baseline);
            } finally {
              await db.dropRun(keys);
            }
          }),
          { seed: SEED, numRuns: RUNS },
        );
      } finally {
        await db.close();
      }
    });
  }
});
