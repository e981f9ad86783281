import { type RaceResult, runRace } from '../testing/run-race.js';
import { STRATEGIES, type Strategy } from '../testing/strategies.js';
import { parseFlags } from './parse-flags.js';
import { ProgressBar, type ProgressStream } from './progress-bar.js';
import { renderTable } from './render-table.js';
import { openRaceTarget } from './targets/index.js';
import { UsageError } from './usage-error.js';

/** `noclobber race --help`. */
export const RACE_HELP = `noclobber race — the same concurrent read-modify-write workload through a naive
handler and through each noclobber strategy, then a table of what was lost.

Usage: noclobber race [flags]

  --store <name|url>    sqlite (default: a temp WAL file), memory, postgres, dynamodb,
                        or a URL: postgres://…, http://host:port (DynamoDB), sqlite:/path.db
  --writers <n>         concurrent writers, each on its own connection (default 8)
  --ops <n>             writes per writer (default 50)
  --rows <n>            rows the writers share; 1 = one hot row (default 1)
  --pause-ms <n>        longest random pause between read and write, like a handler's I/O (default 2)
  --strategies <list>   comma-separated subset of ${STRATEGIES.join(',')} (default all)
  --json                print the results as JSON on stdout (progress stays on stderr)
  --help                this text

  --verbose             on an error, its stack after the one-line message

Exit status: 0 when every noclobber strategy lost nothing, 1 when one did, 2 on bad flags,
3 when the store cannot be used (unreachable, bad SQLite path, driver or Java missing),
4 on an unexpected error. The naive row is expected to lose updates: that is the bug
noclobber exists to prevent.`;

const FLAGS = {
  store: { type: 'string' },
  writers: { type: 'int', min: 1 },
  ops: { type: 'int', min: 1 },
  rows: { type: 'int', min: 1 },
  'pause-ms': { type: 'int', min: 0 },
  strategies: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** Where the command writes. */
export interface CommandIo {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
}

function parseStrategies(raw: string | undefined): Strategy[] {
  if (raw === undefined) return [...STRATEGIES];
  const list = raw.split(',').map((s) => s.trim());
  for (const s of list)
    if (!STRATEGIES.includes(s as Strategy))
      throw new UsageError(`unknown strategy "${s}" (one of ${STRATEGIES.join(', ')})`);
  return list as Strategy[];
}

/** The JSON fields of one result row, as documented. */
function publicRow(r: RaceResult) {
  const { oracle: _oracle, ...row } = r;
  return row;
}

/**
 * Runs `noclobber race`; returns the exit code.
 * @example
 * ```ts
 * process.exitCode = await raceCommand(['--store', 'sqlite', '--json'], process);
 * ```
 */
export async function raceCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  if (flags.help) {
    io.stdout.write(`${RACE_HELP}\n`);
    return 0;
  }
  const strategies = parseStrategies(flags.strategies as string | undefined);
  const target = await openRaceTarget((flags.store as string | undefined) ?? 'sqlite');
  const bar = new ProgressBar(io.stderr);
  const results: RaceResult[] = [];
  try {
    for (const strategy of strategies) {
      const result = await runRace({
        target,
        strategy,
        writers: (flags.writers as number | undefined) ?? 8,
        ops: (flags.ops as number | undefined) ?? 50,
        rows: (flags.rows as number | undefined) ?? 1,
        pauseMs: (flags['pause-ms'] as number | undefined) ?? 2,
        onProgress: (done, total) => bar.update(strategy, done, total),
      });
      results.push(result);
      bar.done(strategy, `${result.acknowledged} acknowledged, ${result.lost} lost`);
    }
  } finally {
    await target.close();
  }
  if (flags.json) io.stdout.write(`${JSON.stringify(results.map(publicRow), null, 2)}\n`);
  else io.stdout.write(`\n${summary(results, (flags.ops as number | undefined) ?? 50)}\n`);
  const safeFailed = results.some((r) => r.strategy !== 'naive' && !(r.oracle.ok && r.failed === 0));
  return safeFailed ? 1 : 0;
}

function summary(results: readonly RaceResult[], opsPerWriter: number): string {
  const headers = [
    'strategy',
    'writers',
    'attempts',
    'acknowledged',
    'failed',
    'retries',
    'lost',
    'writes/s',
    'p50 ms',
    'p99 ms',
  ];
  const rows = results.map((r) => [
    r.strategy,
    r.writers,
    r.attempts,
    r.acknowledged,
    r.failed,
    r.retries,
    r.lost,
    r.throughputPerSec,
    r.p50Ms,
    r.p99Ms,
  ]);
  const first = results[0];
  const lines = [
    `noclobber race on ${first?.store}: ${first?.writers} writers × ${opsPerWriter} writes on ${first?.rows} row(s)`,
    '',
    renderTable(headers, rows),
    '',
  ];
  for (const r of results) {
    if (r.strategy === 'naive') {
      lines.push(
        r.lost > 0
          ? `naive: ${r.lost} acknowledged writes are gone — every caller was told "saved".`
          : 'naive: lost nothing this time (raise --writers or --pause-ms to see the race).',
      );
    } else if (!r.oracle.ok || r.failed > 0) {
      lines.push(
        `${r.strategy}: FAILED — lost ${r.lost}, duplicated ${r.duplicated}, failed ${r.failed}${r.errors[0] ? ` (${r.errors[0]})` : ''}`,
      );
    }
  }
  if (results.every((r) => r.strategy === 'naive' || (r.oracle.ok && r.failed === 0)))
    lines.push('noclobber strategies: every acknowledged write is present exactly once.');
  return lines.join('\n');
}
