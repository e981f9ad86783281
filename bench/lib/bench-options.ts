import { parseArgs } from 'node:util';
import type { DisjointConfig } from '../sections/disjoint.js';
import type { HotRowConfig } from '../sections/hot-row-postgres.js';
import type { OverheadConfig } from '../sections/overhead.js';
import type { ProcessesConfig } from '../sections/processes.js';
import { UsageError } from './usage-error.js';

/** The sections `--only` can pick. */
export const SECTIONS = ['overhead', 'hot-row', 'sqlite-hot-row', 'disjoint', 'processes', 'peers', 'prisma'] as const;
/** One section of the benchmark. */
export type Section = (typeof SECTIONS)[number];

/** Everything one run of the benchmark uses. */
export interface BenchOptions {
  readonly quick: boolean;
  readonly json: boolean;
  /** Write docs/benchmarks.md and bench/results/results.json (full runs by default). */
  readonly write: boolean;
  readonly sections: readonly Section[];
  /** An existing PostgreSQL server to use instead of starting an embedded one. */
  readonly postgresUrl?: string;
  readonly seed: number;
  readonly overhead: OverheadConfig & { readonly sqliteOps: number };
  readonly hotRow: HotRowConfig & { readonly pgbenchSeconds: number; readonly pgbenchScripts: 'all' | 'same' };
  readonly sqliteHotRow: HotRowConfig;
  readonly disjoint: DisjointConfig;
  readonly processes: ProcessesConfig;
  readonly peers: HotRowConfig;
  /** noclobber/prisma against Prisma's own update and version loop on the hot row. */
  readonly prisma: HotRowConfig;
}

/** `npm run bench -- --help`. */
export const BENCH_HELP = `npm run bench — what safety costs: noclobber against the raw drivers, pgbench and
the ORM peers, on embedded PostgreSQL and SQLite. Writes docs/benchmarks.md and
bench/results/results.json (full runs).

Usage: npm run bench -- [flags]

  --quick             smaller, shorter runs (under 2 minutes); writes no files unless --write
  --json              print the results as JSON on stdout (progress stays on stderr)
  --only <list>       comma-separated sections: ${SECTIONS.join(',')}
  --write             write docs/benchmarks.md and bench/results/results.json (default for full runs)
  --no-write          do not write them
  --postgres <url>    use this PostgreSQL server instead of an embedded one
  --seed <n>          base seed of every random choice (default 7)
  --help              this text

Exit status: 0 when no noclobber strategy lost a write (targets met or not), 1 when one
did or a run failed, 2 on bad flags.`;

const FLAGS = {
  quick: { type: 'boolean' },
  json: { type: 'boolean' },
  only: { type: 'string' },
  write: { type: 'boolean' },
  'no-write': { type: 'boolean' },
  postgres: { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Node's own parser (`util.parseArgs`, strict); its errors become a one-line `UsageError`. */
function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    if (e instanceof Error && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(`${e.message.split('\n')[0]} (see --help)`);
    throw e;
  }
}

/** `--seed`: a whole number of at least 0. */
function parseSeed(raw: string | undefined): number {
  if (raw === undefined) return 7;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new UsageError(`--seed must be a whole number of at least 0, not "${raw}"`);
  return n;
}

/**
 * Parses the benchmark's flags into the sizes of every section (`--quick` or full).
 * Returns undefined for `--help`; throws `UsageError` on a bad flag.
 * @example
 * ```ts
 * const options = benchOptions(['--quick', '--only', 'overhead,peers']);
 * ```
 */
export function benchOptions(argv: readonly string[]): BenchOptions | undefined {
  const f = parseFlags(argv);
  if (f.help) return undefined;
  if (f.write && f['no-write']) throw new UsageError('--write and --no-write contradict each other');
  const sections =
    f.only === undefined
      ? [...SECTIONS]
      : String(f.only)
          .split(',')
          .map((s) => s.trim());
  for (const s of sections)
    if (!SECTIONS.includes(s as Section))
      throw new UsageError(`unknown section "${s}" (one of ${SECTIONS.join(', ')})`);
  const quick = f.quick === true;
  const seed = parseSeed(f.seed);
  const reps = 3;
  const writers = quick ? [1, 16, 64] : [1, 4, 16, 64];
  const hot = { writers, reps, seed, durationMs: quick ? 300 : 1500, warmupMs: quick ? 150 : 500 };
  return {
    quick,
    json: f.json === true,
    write: f.write === true || (!quick && f['no-write'] !== true),
    sections: sections as Section[],
    ...(typeof f.postgres === 'string' ? { postgresUrl: f.postgres } : {}),
    seed,
    overhead: { ops: quick ? 200 : 1000, sqliteOps: quick ? 1000 : 5000, reps: quick ? 3 : 5 },
    hotRow: { ...hot, pgbenchSeconds: quick ? 1 : 2, pgbenchScripts: quick ? 'same' : 'all' },
    sqliteHotRow: { ...hot, durationMs: quick ? 200 : 500, warmupMs: quick ? 100 : 200 },
    disjoint: { writers: 64, opsPerWriter: quick ? 5 : 20, reps, seed },
    processes: { processes: 4, pgConnections: 4, pgOps: quick ? 10 : 25, sqliteOps: quick ? 50 : 150, reps },
    peers: hot,
    prisma: hot,
  };
}
