import { readdirSync, readFileSync } from 'node:fs';

/** CPU used while a measurement ran. */
export interface CpuUse {
  /** This Node process, in % of one core (200 = two cores busy). */
  readonly nodePct: number;
  /** The whole machine (Node, PostgreSQL, pgbench, anything else), in % of all cores; NaN without /proc. */
  readonly machinePct: number;
  /**
   * Work that is not the benchmark's — neither this process nor anything it started
   * (PostgreSQL, pgbench, workers) — in % of all cores; NaN without /proc. Above a few
   * percent, the measurement shared the machine with someone else.
   */
  readonly otherPct: number;
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string)
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** CPU ticks of this process and every descendant, reaped children included (cutime, cstime). */
function treeTicks(): number | undefined {
  try {
    const procs = new Map<number, { ppid: number; ticks: number }>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // Fields after the command name, which is in parentheses and may contain spaces.
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        procs.set(Number(name), {
          ppid: Number(f[1]),
          ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
        });
      } catch {}
    }
    const mine = new Set([process.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, p] of procs) if (!mine.has(pid) && mine.has(p.ppid)) grew = mine.add(pid) !== undefined;
    }
    let ticks = 0;
    for (const pid of mine) ticks += procs.get(pid)?.ticks ?? 0;
    return ticks;
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring CPU use; call the returned function when the measurement ends. Tells
 * whether a run was bound by the client (Node near 100% of a core), by the machine (all
 * cores busy) — and whether other work shared the machine meanwhile.
 * @example
 * ```ts
 * const stop = cpuMeter();
 * await work();
 * const { nodePct, machinePct, otherPct } = stop();
 * ```
 */
export function cpuMeter(): () => CpuUse {
  const t0 = performance.now();
  const node0 = process.cpuUsage();
  const m0 = machineTicks();
  const tree0 = treeTicks();
  return () => {
    const ms = performance.now() - t0;
    const node = process.cpuUsage(node0);
    const m1 = machineTicks();
    const tree1 = treeTicks();
    const span = m0 && m1 ? m1.total - m0.total : 0;
    const busy = m0 && m1 ? m1.busy - m0.busy : 0;
    const ours = tree0 !== undefined && tree1 !== undefined ? tree1 - tree0 : Number.NaN;
    return {
      nodePct: ((node.user + node.system) / 1000 / ms) * 100,
      machinePct: span > 0 ? (busy / span) * 100 : Number.NaN,
      otherPct: span > 0 ? Math.max(0, ((busy - ours) / span) * 100) : Number.NaN,
    };
  };
}
