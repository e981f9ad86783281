import { pathToFileURL } from 'node:url';
import { collection } from 'noclobber';
import { type PrismaClientLike, PrismaStore } from 'noclobber/prisma';
import pg from 'pg';
import type { BenchProgress } from '../lib/bench-progress.js';
import { measureQuietly } from '../lib/measure-quietly.js';
import { seedMathRandom } from '../lib/seeded-random.js';
import { summarizeRuns } from '../lib/summarize-runs.js';
import { generatePrismaClient } from '../peers/generate-prisma-client.js';
import { PEER_DDL, PEER_KEY, PEER_TABLE } from '../peers/peer.js';
import { noclobberWriter } from '../writers/noclobber-writer.js';
import { optimisticLoop } from '../writers/optimistic-loop.js';
import type { HotRowCell } from './hot-row-cell.js';
import type { HotRowConfig } from './hot-row-postgres.js';
import { type CellRun, runHotRowCell, type WriteOnce } from './run-hot-row-cell.js';

/** The rows of the Prisma table: noclobber's Prisma store, and Prisma on its own. */
export const PRISMA_STRATEGIES = [
  'noclobber/prisma apply',
  'noclobber/prisma update',
  'Prisma update (increment)',
  'Prisma read + update (naive)',
  'Prisma updateMany + version loop',
] as const;
type PrismaStrategy = (typeof PRISMA_STRATEGIES)[number];

/** What each row does, for the table. */
export const PRISMA_NOTES: Readonly<Record<PrismaStrategy, string>> = {
  'noclobber/prisma apply':
    '`apply(key, [inc(n, 1)])` on `PrismaStore`: the PostgreSQL store’s one conditional statement, sent by `$queryRawUnsafe`',
  'noclobber/prisma update':
    '`update(key, fn)` on `PrismaStore`: optimistic, escalates to `SELECT … FOR UPDATE` in an interactive transaction after 3 conflicts',
  'Prisma update (increment)':
    '`update({ where: { id }, data: { n: { increment: 1 } } })`: atomic, no version check (the ceiling for `apply`)',
  'Prisma read + update (naive)': '`findUniqueOrThrow`, then `update({ data: { n: row.n + 1 } })`: loses updates',
  'Prisma updateMany + version loop':
    'Prisma’s documented OCC: `updateMany({ where: { id, version }, … })`, `count === 0` → retry (full-jitter backoff, 12 tries)',
};

interface PeerRowClient extends PrismaClientLike {
  peerRow: {
    findUniqueOrThrow(args: { where: { id: string } }): Promise<{ n: number; version: number }>;
    update(args: { where: { id: string }; data: Record<string, unknown> }): Promise<unknown>;
    updateMany(args: {
      where: { id: string; version: number };
      data: Record<string, unknown>;
    }): Promise<{ count: number }>;
  };
  $disconnect(): Promise<void>;
}

function writer(strategy: PrismaStrategy, prisma: PeerRowClient, store: PrismaStore): WriteOnce {
  const where = { id: PEER_KEY };
  switch (strategy) {
    case 'noclobber/prisma apply':
      return noclobberWriter('apply', collection(store), PEER_KEY);
    case 'noclobber/prisma update':
      return noclobberWriter('update', collection(store), PEER_KEY);
    case 'Prisma update (increment)':
      return async () => {
        await prisma.peerRow.update({ where, data: { n: { increment: 1 } } });
        return 1;
      };
    case 'Prisma read + update (naive)':
      return async () => {
        const row = await prisma.peerRow.findUniqueOrThrow({ where });
        await prisma.peerRow.update({ where, data: { n: row.n + 1 } });
        return 1;
      };
    case 'Prisma updateMany + version loop':
      return () =>
        optimisticLoop(async () => {
          const row = await prisma.peerRow.findUniqueOrThrow({ where });
          const { count } = await prisma.peerRow.updateMany({
            where: { id: PEER_KEY, version: row.version },
            data: { n: row.n + 1, version: { increment: 1 } },
          });
          return count === 1;
        });
  }
}

/** Steps the progress bar counts for this section. */
export function prismaHotRowSteps(c: HotRowConfig): number {
  return 1 + PRISMA_STRATEGIES.length * (1 + c.writers.length * c.reps);
}

/**
 * The PostgreSQL hot row through Prisma 7 (`@prisma/adapter-pg`): noclobber's Prisma store
 * (`apply`, `update`) against Prisma's own `update` and its documented `updateMany`-with-
 * version loop, 1…64 writers sharing one client whose pool has that many connections.
 * noclobber's rows must lose nothing; the others are reported as they are.
 * @example
 * ```ts
 * const cells = await prismaHotRow(url, config, progress);
 * ```
 */
export async function prismaHotRow(url: string, config: HotRowConfig, progress: BenchProgress): Promise<HotRowCell[]> {
  progress.step('prisma · generate client + connect');
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  admin.on('error', () => {});
  await admin.query(PEER_DDL);
  await admin.query(`INSERT INTO ${PEER_TABLE} VALUES ($1, 0, 1) ON CONFLICT (id) DO NOTHING`, [PEER_KEY]);
  const reset = async () =>
    void (await admin.query(`UPDATE ${PEER_TABLE} SET n = 0, version = 1 WHERE id = $1`, [PEER_KEY]));
  const counter = async () =>
    (await admin.query(`SELECT n FROM ${PEER_TABLE} WHERE id = $1`, [PEER_KEY])).rows[0].n as number;
  const file = await generatePrismaClient();
  const { PrismaClient } = (await import(pathToFileURL(file).href)) as {
    PrismaClient: new (options: { adapter: unknown }) => PeerRowClient;
  };
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: Math.max(...config.writers) }),
  });
  const store = await PrismaStore.open(prisma, { model: 'PeerRow' });
  const writers = (strategy: PrismaStrategy, n: number) =>
    Array.from({ length: n }, () => writer(strategy, prisma, store));
  const cells: HotRowCell[] = [];
  try {
    for (const strategy of PRISMA_STRATEGIES) {
      progress.step(`prisma · warm-up · ${strategy}`);
      await runHotRowCell({
        writers: writers(strategy, Math.max(...config.writers)),
        durationMs: config.warmupMs,
        reset,
        counter,
      });
    }
    for (const n of config.writers) {
      for (const strategy of PRISMA_STRATEGIES) {
        const runs: CellRun[] = [];
        const discarded: CellRun[] = [];
        for (let rep = 0; rep < config.reps; rep++) {
          progress.step(`prisma · ${n} writers · ${strategy} · rep ${rep + 1}`);
          seedMathRandom(config.seed + rep);
          const m = await measureQuietly(
            () => runHotRowCell({ writers: writers(strategy, n), durationMs: config.durationMs, reset, counter }),
            (r) => r.otherCpuPct,
          );
          runs.push(m.kept);
          discarded.push(...m.discarded);
        }
        cells.push({
          db: 'postgres',
          strategy,
          writers: n,
          noclobber: strategy.startsWith('noclobber'),
          ...summarizeRuns(runs, discarded),
        });
      }
    }
    return cells;
  } finally {
    await prisma.$disconnect();
    await admin.end();
  }
}
