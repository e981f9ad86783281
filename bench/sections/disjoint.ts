import { type Collection, collection, merge, type Row } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import { percentile } from 'noclobber/testing';
import pg from 'pg';
import type { BenchProgress } from '../lib/bench-progress.js';
import { seededRandom } from '../lib/seeded-random.js';
import { type Summary, summarize } from '../lib/summarize.js';
import { zipfSampler } from '../lib/zipf.js';
import { preparedQuery } from '../writers/prepared-query.js';

/** Sizes of the disjoint-key runs. */
export interface DisjointConfig {
  readonly writers: number;
  /** Merges per writer per repetition (a fixed count, so both variants grow the JSON alike). */
  readonly opsPerWriter: number;
  readonly reps: number;
  readonly seed: number;
}

/** One workload × variant over every repetition. */
export interface DisjointRow {
  readonly workload: 'one row' | 'Zipf over 1,000 rows';
  readonly variant: 'raw jsonb ||' | 'apply(merge)';
  readonly writers: number;
  readonly writesPerSec: Summary;
  readonly p50Ms: Summary;
  readonly p99Ms: Summary;
  /** Written keys absent afterwards, summed over repetitions. */
  readonly missing: number;
  /** Retries noclobber needed (disjoint merges should never conflict). */
  readonly retries: number;
  readonly writes: number;
}

const WORKLOADS = [
  { name: 'one row', rows: 1 },
  { name: 'Zipf over 1,000 rows', rows: 1000 },
] as const;
const VARIANTS = ['raw jsonb ||', 'apply(merge)'] as const;

/** Steps the progress bar counts for this section. */
export function disjointSteps(c: DisjointConfig): number {
  return WORKLOADS.length * VARIANTS.length * c.reps;
}

/**
 * 64 writers, each on its own connection, merging keys nobody else writes into one jsonb
 * column: on one row, and on 1,000 rows picked with Zipf's law (s = 1.1, seeded per writer
 * and repetition). `apply([merge(…)])` against the raw `UPDATE … SET env = env || $1`.
 * Afterwards every written key must be there.
 * @example
 * ```ts
 * const rows = await disjoint(url, { writers: 64, opsPerWriter: 20, reps: 3, seed: 7 }, progress);
 * ```
 */
export async function disjoint(url: string, config: DisjointConfig, progress: BenchProgress): Promise<DisjointRow[]> {
  const pools = Array.from({ length: config.writers }, () => {
    const p = new pg.Pool({ connectionString: url, max: 1 });
    p.on('error', () => {});
    return p;
  });
  const admin = pools[0] as pg.Pool;
  const out: DisjointRow[] = [];
  try {
    await admin.query(
      'CREATE TABLE IF NOT EXISTS bench_env (id text PRIMARY KEY, version integer NOT NULL, env jsonb NOT NULL)',
    );
    const docs: Collection<Row>[] = [];
    for (const p of pools) docs.push(collection(await PostgresStore.open(p, { table: 'bench_env', key: 'id' })));
    for (const workload of WORKLOADS) {
      for (const variant of VARIANTS) {
        const rates: number[] = [];
        const p50: number[] = [];
        const p99: number[] = [];
        let missing = 0;
        let retries = 0;
        let writes = 0;
        for (let rep = 0; rep < config.reps; rep++) {
          progress.step(`disjoint · ${workload.name} · ${variant} · rep ${rep + 1}`);
          await admin.query('TRUNCATE bench_env');
          await admin.query(
            `INSERT INTO bench_env SELECT 'e' || i, 1, '{}' FROM generate_series(0, ${workload.rows - 1}) i`,
          );
          const written: [string, string][] = [];
          const latencies: number[] = [];
          const t0 = performance.now();
          await Promise.all(
            pools.map(async (pool, w) => {
              const pick = zipfSampler(workload.rows, 1.1, seededRandom(config.seed + rep * 1000 + w));
              for (let i = 0; i < config.opsPerWriter; i++) {
                const id = `e${pick()}`;
                const key = `k${w}_${i}`;
                const s = performance.now();
                if (variant === 'raw jsonb ||') {
                  const r = await preparedQuery(
                    pool,
                    'UPDATE bench_env SET env = env || $1::jsonb, version = version + 1 WHERE id = $2',
                    [JSON.stringify({ [key]: w }), id],
                  );
                  if (r.rowCount !== 1) throw new Error(`disjoint: raw merge into ${id} matched ${r.rowCount} rows`);
                } else {
                  await (docs[w] as Collection<Row>).apply(id, [merge('env', { [key]: w })], {
                    retry: { onRetry: () => void retries++ },
                  });
                }
                latencies.push(performance.now() - s);
                written.push([id, key]);
              }
            }),
          );
          rates.push((written.length / (performance.now() - t0)) * 1000);
          p50.push(percentile(latencies, 50));
          p99.push(percentile(latencies, 99));
          writes += written.length;
          const env = new Map(
            (await admin.query('SELECT id, env FROM bench_env')).rows.map((x) => [
              x.id as string,
              x.env as Record<string, number>,
            ]),
          );
          missing += written.filter(([id, key]) => env.get(id)?.[key] === undefined).length;
        }
        out.push({
          workload: workload.name,
          variant,
          writers: config.writers,
          writesPerSec: summarize(rates),
          p50Ms: summarize(p50),
          p99Ms: summarize(p99),
          missing,
          retries,
          writes,
        });
      }
    }
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
  return out;
}
