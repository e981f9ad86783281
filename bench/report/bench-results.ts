import type { MachineInfo } from '../lib/machine-info.js';
import type { DisjointRow } from '../sections/disjoint.js';
import type { HotRowCell } from '../sections/hot-row-cell.js';
import type { OverheadRow } from '../sections/overhead.js';
import type { PeerResult } from '../sections/peers.js';
import type { PgbenchCell } from '../sections/pgbench-ceiling.js';
import type { ProcessesRow } from '../sections/processes.js';
import type { TargetResult } from './targets.js';

/** How long a section took and whether it shared the machine. */
export interface SectionTiming {
  readonly name: string;
  readonly seconds: number;
  /** Whole machine, % of all cores. */
  readonly machineCpuPct: number;
  /** Processes that are not the benchmark's, % of all cores. */
  readonly otherCpuPct: number;
}

/** Everything one run measured: what `--json` prints and bench/results/results.json holds. */
export interface BenchResults {
  readonly meta: {
    readonly date: string;
    readonly command: string;
    readonly quick: boolean;
    readonly durationSec: number;
    readonly seed: number;
    /** Machine CPU (% of all cores) in the 2 s before the run: other work that skews it. */
    readonly backgroundCpuPct: number;
    readonly sections: readonly SectionTiming[];
    /** Repetitions measured again because other work shared the machine (see measure-quietly.ts). */
    readonly remeasured: {
      maxOtherPct: number;
      budgetSec: number;
      spentSec: number;
      remeasured: number;
      keptBusy: number;
    };
    readonly machine: MachineInfo;
    /** The sizes every section ran with. */
    readonly config: unknown;
  };
  readonly overhead?: OverheadRow[];
  readonly hotRow?: { readonly postgres: HotRowCell[]; readonly pgbench: PgbenchCell[] };
  readonly sqliteHotRow?: HotRowCell[];
  readonly disjoint?: DisjointRow[];
  readonly processes?: ProcessesRow[];
  readonly peers?: PeerResult[];
  /** The hot row through Prisma: noclobber/prisma and Prisma's own ways. */
  readonly prisma?: HotRowCell[];
  readonly targets: TargetResult[];
  /** Every way a noclobber row lost or duplicated a write (empty when none did). */
  readonly violations: string[];
}
