import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** One line a fault worker prints (synchronously, so a killed worker has said everything it did). */
export type WorkerLine =
  | { readonly start: string; readonly rows: readonly string[] }
  | { readonly ack: string }
  | {
      readonly error: string;
      readonly code: string;
      readonly reason?: string;
      readonly typed: boolean;
      readonly attemptsByCause?: Record<string, number>;
      /** The driver's code (or message) under the error. */
      readonly cause?: string;
    }
  | { readonly retry: string };

/** What one worker process did. */
export interface Outcome {
  readonly lines: readonly WorkerLine[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Prints one line for the parent, synchronously (a worker may be killed right after).
 * @example
 * ```ts
 * say({ ack: marker });
 * ```
 */
export function say(line: WorkerLine): void {
  writeSync(1, `${JSON.stringify(line)}\n`);
}

const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

/** Runs worker scripts of this folder as separate OS processes, one per argument list, and collects what they printed. */
export function runWorkers(script: string, argv: readonly (readonly string[])[]): Promise<Outcome[]> {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  return Promise.all(
    argv.map(
      (args) =>
        new Promise<Outcome>((resolve) => {
          const child = spawn(process.execPath, ['--import', tsx, file, ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          let err = '';
          child.stdout.on('data', (d) => void (out += String(d)));
          child.stderr.on('data', (d) => void (err += String(d)));
          child.on('close', (code, signal) => {
            const lines = out
              .split('\n')
              .filter((l) => l.trim().startsWith('{'))
              .map((l) => JSON.parse(l) as WorkerLine);
            resolve({ lines, code, signal, stderr: err.slice(-2000) });
          });
        }),
    ),
  );
}

/**
 * Waits until the rows count at least `writes` more writes than `from` (bounded: the workers
 * may be slow on a busy machine, never stuck). Returns the count reached.
 */
export async function progress(
  count: () => Promise<number>,
  from: number,
  writes: number,
  maxMs = 40_000,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const n = await count().catch(() => from);
    if (n >= from + writes || Date.now() - started > maxMs) return n;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Driver failures that prove nothing was sent: refused, the server starting up, a client pg would not use. */
const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|57P03|not queryable|Cannot use a pool/;

/** What the parent learned from the workers and the table. */
export interface TruthReport {
  acknowledged: number;
  /** Row writes of the acknowledged writes (a two-row transaction counts 2), in the units of the rows' `n`. */
  acknowledgedRows: number;
  unknown: number;
  /** Row writes of the writes that ended in CommitUnknownError, applied or not. */
  unknownRows: number;
  unknownApplied: number;
  failed: number;
  failures: Record<string, number>;
  inflight: number;
  inflightApplied: number;
  retries: Record<string, number>;
}

/**
 * Checks the fault suite's invariants against the final rows (`n` counts writes, `markers` names them):
 * every acknowledged write is in each of its rows exactly once; a write that failed with a
 * typed error other than `CommitUnknownError` is in none (the error said nothing committed);
 * a `CommitUnknownError` or a write cut by a kill is in all of its rows or none (counted);
 * nothing is applied twice (`n` equals the number of markers); every error was typed.
 */
export function expectTruthful(
  outcomes: readonly Outcome[],
  rows: ReadonlyMap<string, { n: number; markers: readonly string[] }>,
): TruthReport {
  const started = new Map<string, readonly string[]>();
  const result = new Map<string, WorkerLine>();
  const report: TruthReport = {
    acknowledged: 0,
    acknowledgedRows: 0,
    unknown: 0,
    unknownRows: 0,
    unknownApplied: 0,
    failed: 0,
    failures: {},
    inflight: 0,
    inflightApplied: 0,
    retries: {},
  };
  for (const o of outcomes) {
    expect(o.stderr, 'a worker crashed').not.toMatch(/Error|error/);
    for (const line of o.lines) {
      if ('start' in line) started.set(line.start, line.rows);
      else if ('ack' in line) result.set(line.ack, line);
      else if ('error' in line) result.set(line.error, line);
      else report.retries[line.retry] = (report.retries[line.retry] ?? 0) + 1;
    }
  }
  const where = new Map<string, string[]>();
  for (const [id, row] of rows) {
    expect(new Set(row.markers).size, `row ${id}: a marker twice`).toBe(row.markers.length);
    expect(row.n, `row ${id}: applied twice (n counts writes, markers names them)`).toBe(row.markers.length);
    for (const m of row.markers) where.set(m, [...(where.get(m) ?? []), id]);
  }
  for (const m of where.keys()) expect(started.has(m), `marker ${m} was never written`).toBe(true);
  for (const [marker, rowsOf] of started) {
    const found = where.get(marker) ?? [];
    const all = found.length === rowsOf.length;
    const line = result.get(marker);
    if (line && 'ack' in line) {
      report.acknowledged++;
      report.acknowledgedRows += rowsOf.length;
      expect(all, `acknowledged ${marker} lost`).toBe(true);
    } else if (line && 'error' in line) {
      expect(line.typed, `${marker} failed with an untyped error: ${line.code}`).toBe(true);
      expect(found.length === 0 || all, `${marker} applied to only part of its rows`).toBe(true);
      if (line.code === 'commit_unknown') {
        expect(line.cause ?? '', `${marker}: CommitUnknownError for a failure that sent nothing`).not.toMatch(
          NEVER_SENT,
        );
        report.unknown++;
        report.unknownRows += rowsOf.length;
        if (all) report.unknownApplied++;
      } else {
        report.failed++;
        const why = `${line.code}${line.reason ? `:${line.reason}` : ''}`;
        report.failures[why] = (report.failures[why] ?? 0) + 1;
        expect(found, `${marker} failed with ${why} (nothing committed), yet it is in the table`).toEqual([]);
      }
    } else {
      report.inflight++;
      expect(found.length === 0 || all, `${marker} applied to only part of its rows`).toBe(true);
      if (all) report.inflightApplied++;
    }
  }
  return report;
}
