import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cpuMeter } from './cpu-meter.js';

const exec = promisify(execFile);

/** What one pgbench run reported. */
export interface PgbenchRun {
  readonly tps: number;
  readonly transactions: number;
  readonly failed: number;
  readonly latencyMs: number;
  /** CPU of the whole machine while pgbench ran, % of all cores. */
  readonly machineCpuPct: number;
  /** CPU of work that is not the benchmark's, % of all cores. */
  readonly otherCpuPct: number;
}

/**
 * Runs pgbench (`/usr/bin/pgbench`, Debian's) with a custom script: `clients` connections,
 * `-j 2` threads (the machine's cores), prepared statements (`-M prepared`: planned once per
 * connection, as noclobber and the benchmark's hand-written variants send theirs), for `seconds`.
 * Without initialisation (`-n`): it runs against the benchmark's own table.
 * @example
 * ```ts
 * const { tps } = await runPgbench(url, "UPDATE t SET n = n + 1 WHERE id = 'a';\n", 16, 2);
 * ```
 */
export async function runPgbench(url: string, script: string, clients: number, seconds: number): Promise<PgbenchRun> {
  const u = new URL(url);
  const dir = mkdtempSync(join(tmpdir(), 'noclobber-pgbench-'));
  const file = join(dir, 'script.sql');
  writeFileSync(file, script);
  try {
    const args = [
      '-n',
      '-M',
      'prepared',
      '-f',
      file,
      '-c',
      String(clients),
      '-j',
      String(Math.min(clients, 2)),
      '-T',
      String(seconds),
    ];
    const conn = [
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username),
      u.pathname.slice(1) || 'postgres',
    ];
    const stop = cpuMeter();
    const { stdout } = await exec('pgbench', [...args, ...conn], {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
    });
    const cpu = stop();
    const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? Number.NaN);
    return {
      tps: num(/tps = ([\d.]+)/),
      transactions: num(/number of transactions actually processed: (\d+)/),
      failed: num(/number of failed transactions: (\d+)/) || 0,
      latencyMs: num(/latency average = ([\d.]+) ms/),
      machineCpuPct: cpu.machinePct,
      otherCpuPct: cpu.otherPct,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The installed pgbench's version line, or undefined when pgbench is not installed.
 * @example
 * ```ts
 * await pgbenchVersion(); // "pgbench (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
 * ```
 */
export async function pgbenchVersion(): Promise<string | undefined> {
  try {
    return (await exec('pgbench', ['--version'])).stdout.trim();
  } catch {
    return undefined;
  }
}
