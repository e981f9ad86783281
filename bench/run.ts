// `npm run bench`: every section of the benchmark in one run, progress on stderr, tables
// (or --json) on stdout, docs/benchmarks.md and bench/results/results.json on full runs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BENCH_HELP, type BenchOptions, benchOptions } from './lib/bench-options.js';
import { BenchProgress } from './lib/bench-progress.js';
import { cpuMeter } from './lib/cpu-meter.js';
import { machineInfo } from './lib/machine-info.js';
import { configureQuietRetry, quietRetryReport } from './lib/measure-quietly.js';
import { restoreMathRandom } from './lib/seeded-random.js';
import { startPostgres } from './lib/start-postgres.js';
import { UsageError } from './lib/usage-error.js';
import type { BenchResults, SectionTiming } from './report/bench-results.js';
import { renderMarkdown } from './report/render-markdown.js';
import { reportTables } from './report/report-tables.js';
import { evaluateTargets, findViolations } from './report/targets.js';
import { textTable } from './report/text-table.js';
import { disjoint, disjointSteps } from './sections/disjoint.js';
import { hotRowPostgres, hotRowPostgresSteps } from './sections/hot-row-postgres.js';
import { hotRowSqlite, hotRowSqliteSteps } from './sections/hot-row-sqlite.js';
import { overhead, overheadSteps } from './sections/overhead.js';
import { peers, peersSteps } from './sections/peers.js';
import { prismaHotRow, prismaHotRowSteps } from './sections/prisma-hot-row.js';
import { processes, processesSteps } from './sections/processes.js';

const file = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function parse(argv: readonly string[]): BenchOptions {
  try {
    const options = benchOptions(argv);
    if (options) return options;
    process.stdout.write(`${BENCH_HELP}\n`);
    process.exit(0);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(2);
  }
}

function totalSteps(o: BenchOptions): number {
  const steps: Record<BenchOptions['sections'][number], number> = {
    overhead: overheadSteps(o.overhead),
    'hot-row': hotRowPostgresSteps(o.hotRow),
    'sqlite-hot-row': hotRowSqliteSteps(o.sqliteHotRow),
    disjoint: disjointSteps(o.disjoint),
    processes: processesSteps(o.processes),
    peers: peersSteps(o.peers),
    prisma: prismaHotRowSteps(o.prisma),
  };
  return o.sections.reduce((a, s) => a + steps[s], 0);
}

const argv = process.argv.slice(2);
const options = parse(argv);
const started = Date.now();
const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`
    : `tsx bench/run.ts ${argv.join(' ')}`.trim();
process.stderr.write(`noclobber bench${options.quick ? ' --quick' : ''}: ${options.sections.join(', ')}\n`);
// Other work on the machine skews every number: measure it before starting, and say so.
const idle = cpuMeter();
await new Promise((resolve) => setTimeout(resolve, 2000));
const backgroundCpuPct = idle().machinePct;
if (backgroundCpuPct > 15)
  process.stderr.write(
    `!! the machine was already ${Math.round(backgroundCpuPct)}% busy before the benchmark started: other work will skew these numbers\n`,
  );
const server = await startPostgres(options.postgresUrl);
const stop = async () => {
  restoreMathRandom();
  await server.stop().catch(() => {});
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));

configureQuietRetry({ maxOtherPct: 10, budgetMs: options.quick ? 10_000 : 90_000 });
const failures: string[] = [];
const measured: {
  -readonly [K in keyof Omit<BenchResults, 'meta' | 'targets' | 'violations'>]: BenchResults[K];
} & Record<string, unknown> = {};
const progress = new BenchProgress(totalSteps(options));
const sections: SectionTiming[] = [];
const timed = async <T>(name: string, run: () => Promise<T>, summary: (r: T) => string): Promise<T | undefined> => {
  const t0 = Date.now();
  const cpu = cpuMeter();
  try {
    const r = await run();
    const { machinePct, otherPct } = cpu();
    sections.push({ name, seconds: (Date.now() - t0) / 1000, machineCpuPct: machinePct, otherCpuPct: otherPct });
    const busy = otherPct > 5 ? `; other work used ${Math.round(otherPct)}% of the machine meanwhile` : '';
    progress.section(name, `${summary(r)}, ${Math.round((Date.now() - t0) / 1000)} s${busy}`);
    return r;
  } catch (e) {
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    failures.push(`${name}: ${message.split('\n')[0]}`);
    process.stderr.write(`\n!! section ${name} FAILED: ${message}\n`);
    return undefined;
  }
};

let machine: Awaited<ReturnType<typeof machineInfo>>;
try {
  machine = await machineInfo(server.url);
  const url = server.url;
  const has = (s: BenchOptions['sections'][number]) => options.sections.includes(s);
  if (has('overhead'))
    measured.overhead = await timed(
      'overhead',
      () => overhead(url, options.overhead, progress),
      (r) => `${r.length} calls`,
    );
  if (has('hot-row'))
    measured.hotRow = await timed(
      'hot row (postgres)',
      async () => {
        const r = await hotRowPostgres(url, options.hotRow, progress);
        return { postgres: r.cells, pgbench: r.pgbench };
      },
      (r) => `${r.postgres.length} cells, ${r.pgbench.length} pgbench cells`,
    );
  if (has('sqlite-hot-row'))
    measured.sqliteHotRow = await timed(
      'hot row (sqlite)',
      () => hotRowSqlite(options.sqliteHotRow, progress),
      (r) => `${r.length} cells`,
    );
  if (has('disjoint'))
    measured.disjoint = await timed(
      'disjoint keys',
      () => disjoint(url, options.disjoint, progress),
      (r) => `${r.reduce((a, d) => a + d.missing, 0)} keys missing`,
    );
  if (has('processes'))
    measured.processes = await timed(
      'processes',
      () => processes(url, options.processes, progress),
      (r) => `${r.reduce((a, p) => a + p.lost, 0)} lost`,
    );
  if (has('peers'))
    measured.peers = await timed(
      'peers',
      () => peers(url, options.peers, progress),
      (r) => r.map((p) => (p.error ? `${p.name} COULD NOT RUN` : p.name)).join(', '),
    );
  if (has('prisma'))
    measured.prisma = await timed(
      'prisma',
      () => prismaHotRow(url, options.prisma, progress),
      (r) => `${r.length} cells`,
    );
} finally {
  await stop();
}

for (const key of Object.keys(measured)) if (measured[key] === undefined) delete measured[key];
const violations = findViolations(measured);
const results: BenchResults = {
  meta: {
    date: new Date(started).toISOString(),
    command,
    quick: options.quick,
    durationSec: (Date.now() - started) / 1000,
    seed: options.seed,
    backgroundCpuPct,
    sections,
    remeasured: quietRetryReport(),
    machine,
    config: {
      overhead: options.overhead,
      hotRow: options.hotRow,
      sqliteHotRow: options.sqliteHotRow,
      disjoint: options.disjoint,
      processes: options.processes,
      peers: options.peers,
      prisma: options.prisma,
    },
  },
  ...measured,
  targets: evaluateTargets(measured, violations),
  violations,
};

if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else {
  for (const t of reportTables(results)) process.stdout.write(`\n${t.title}\n\n${textTable(t.headers, t.rows)}\n`);
  const timing = sections.map((t) => [
    t.name,
    t.seconds.toFixed(0),
    t.machineCpuPct.toFixed(0),
    t.otherCpuPct.toFixed(1),
  ]);
  process.stdout.write(`\nThis run\n\n${textTable(['section', 'seconds', 'machine CPU %', 'other work %'], timing)}\n`);
  const q = results.meta.remeasured;
  process.stdout.write(
    `${q.remeasured} repetitions re-measured because other work used > ${q.maxOtherPct}% of the machine (${q.spentSec.toFixed(0)} s); ${q.keptBusy} kept although busy.\n`,
  );
  process.stdout.write(
    `\n${results.targets.filter((t) => t.met).length} of ${results.targets.length} targets met; run took ${Math.round(results.meta.durationSec)} s.\n`,
  );
}
if (options.write) {
  const analysis = existsSync(file('./results/analysis.md')) ? readFileSync(file('./results/analysis.md'), 'utf8') : '';
  writeFileSync(file('./results/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  // In the project's own JSON style, so \`biome check\` stays clean on the committed file.
  try {
    execFileSync(
      process.execPath,
      [file('../node_modules/@biomejs/biome/bin/biome'), 'format', '--write', file('./results/results.json')],
      {
        stdio: 'ignore',
      },
    );
  } catch {}
  writeFileSync(file('../docs/benchmarks.md'), renderMarkdown(results, analysis));
  process.stderr.write('wrote docs/benchmarks.md and bench/results/results.json\n');
}
if (violations.length)
  process.stderr.write(`\n!! noclobber LOST OR DUPLICATED WRITES:\n${violations.map((v) => `  - ${v}`).join('\n')}\n`);
if (failures.length)
  process.stderr.write(`\n!! sections that failed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
process.exit(violations.length || failures.length ? 1 : 0);
