import { readFileSync } from 'node:fs';
import os from 'node:os';

/** CPU used while a measurement ran. */
export interface CpuUse {
  /** This Node process, in % of one core (200 = two cores busy). */
  readonly nodePct: number;
  /** The whole machine (Node, PostgreSQL, pgbench…), in % of all cores; NaN where /proc/stat is missing. */
  readonly machinePct: number;
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring CPU use; call the returned function when the measurement ends. Tells
 * whether a run was bound by the client (Node near 100% of a core) or by the machine
 * (all cores busy), which the tables need to explain a ceiling.
 * @example
 * ```ts
 * const stop = cpuMeter();
 * await work();
 * const { nodePct, machinePct } = stop();
 * ```
 */
export function cpuMeter(): () => CpuUse {
  const t0 = performance.now();
  const node0 = process.cpuUsage();
  const m0 = machineTicks();
  return () => {
    const ms = performance.now() - t0;
    const node = process.cpuUsage(node0);
    const m1 = machineTicks();
    const machinePct = m0 && m1 && m1.total > m0.total ? ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100 : Number.NaN;
    return { nodePct: ((node.user + node.system) / 1000 / ms) * 100, machinePct: Number.isFinite(machinePct) ? machinePct : Number.NaN };
  };
}

/** Cores the machine has (for the report). */
export const CORES = os.cpus().length;
