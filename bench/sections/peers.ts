import pg from 'pg';
import type { BenchProgress } from '../lib/bench-progress.js';
import { measureQuietly } from '../lib/measure-quietly.js';
import { seedMathRandom } from '../lib/seeded-random.js';
import { summarizeRuns } from '../lib/summarize-runs.js';
import { mikroOrmPeer } from '../peers/mikro-orm-peer.js';
import { PEER_DDL, PEER_KEY, PEER_TABLE, type Peer, type PeerSession } from '../peers/peer.js';
import { prismaPeer } from '../peers/prisma-peer.js';
import { sequelizePeer } from '../peers/sequelize-peer.js';
import { typeormPeer } from '../peers/typeorm-peer.js';
import type { HotRowCell } from './hot-row-cell.js';
import type { HotRowConfig } from './hot-row-postgres.js';
import { type CellRun, runHotRowCell } from './run-hot-row-cell.js';

/** The peer libraries, in table order. */
export const PEERS: readonly Peer[] = [prismaPeer, sequelizePeer, typeormPeer, mikroOrmPeer];

/** What the peer section found for one library. */
export interface PeerResult {
  readonly name: string;
  readonly how: string;
  /** One cell per writer count; empty when the library could not run. */
  readonly cells: HotRowCell[];
  /** Why the library could not run here, when it could not. */
  readonly error?: string;
}

/** Steps the progress bar counts for this section. */
export function peersSteps(c: HotRowConfig): number {
  return PEERS.length * (1 + c.writers.length * c.reps);
}

/**
 * The hot-row workload through each peer library's documented version check, on the same
 * PostgreSQL server in the same run: 1…64 writers sharing the library's own pool of as
 * many connections. Reports goodput and lost updates as they really are; a library that
 * cannot start is reported with its error, never dropped.
 * @example
 * ```ts
 * const results = await peers(url, config, progress);
 * ```
 */
export async function peers(url: string, config: HotRowConfig, progress: BenchProgress): Promise<PeerResult[]> {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  admin.on('error', () => {});
  await admin.query(PEER_DDL);
  await admin.query(`INSERT INTO ${PEER_TABLE} VALUES ($1, 0, 1) ON CONFLICT (id) DO NOTHING`, [PEER_KEY]);
  const reset = async () =>
    void (await admin.query(`UPDATE ${PEER_TABLE} SET n = 0, version = 1 WHERE id = $1`, [PEER_KEY]));
  const counter = async () =>
    (await admin.query(`SELECT n FROM ${PEER_TABLE} WHERE id = $1`, [PEER_KEY])).rows[0].n as number;
  const max = Math.max(...config.writers);
  const results: PeerResult[] = [];
  try {
    for (const peer of PEERS) {
      progress.step(`peers · ${peer.name} · start + warm-up`);
      let session: PeerSession | undefined;
      try {
        session = await peer.open(url, max);
        const s = session;
        await runHotRowCell({
          writers: Array.from({ length: max }, () => s.writer()),
          durationMs: config.warmupMs,
          reset,
          counter,
        });
        const cells: HotRowCell[] = [];
        for (const writers of config.writers) {
          const runs: CellRun[] = [];
          const discarded: CellRun[] = [];
          for (let rep = 0; rep < config.reps; rep++) {
            progress.step(`peers · ${peer.name} · ${writers} writers · rep ${rep + 1}`);
            seedMathRandom(config.seed + rep);
            const m = await measureQuietly(
              () =>
                runHotRowCell({
                  writers: Array.from({ length: writers }, () => s.writer()),
                  durationMs: config.durationMs,
                  reset,
                  counter,
                }),
              (r) => r.otherCpuPct,
            );
            runs.push(m.kept);
            discarded.push(...m.discarded);
          }
          cells.push({
            db: 'postgres',
            strategy: peer.name,
            writers,
            noclobber: false,
            ...summarizeRuns(runs, discarded),
          });
        }
        results.push({ name: peer.name, how: peer.how, cells });
      } catch (e) {
        const error = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
        process.stderr.write(`\n!! peer ${peer.name} could not run: ${error}\n`);
        progress.grow(-(config.writers.length * config.reps));
        results.push({ name: peer.name, how: peer.how, cells: [], error });
      } finally {
        await session?.close().catch(() => {});
      }
    }
  } finally {
    await admin.end();
  }
  return results;
}
