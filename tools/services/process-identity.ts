import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * A token that identifies a running process beyond its pid: its start time (Linux: field 22
 * of `/proc/<pid>/stat`; elsewhere `ps -o lstart=`). `undefined` when no such process runs
 * (a zombie counts as gone). Comparing tokens tells a recorded server from a process that
 * reused its pid.
 * @example
 * ```ts
 * const me = processIdentity(process.pid);
 * ```
 */
export function processIdentity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return undefined;
  }
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
  }
  try {
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether process `pid` runs — and, when `start` is given, is the same process that was
 * recorded then.
 * @example
 * ```ts
 * isRunning(owner.pid, owner.start);
 * ```
 */
export function isRunning(pid: number, start?: string): boolean {
  const now = processIdentity(pid);
  return now !== undefined && (start === undefined || start === '' || now === start);
}

/**
 * Stops a server left behind by a dead run: `signal` (its immediate-shutdown signal), then
 * SIGKILL if it is still there after `graceMs`. Does nothing unless the process at `pid`
 * is the one recorded (same start time).
 * @example
 * ```ts
 * await stopStale(record.pid, record.start, 'SIGQUIT');
 * ```
 */
export async function stopStale(pid: number, start: string, signal: NodeJS.Signals, graceMs = 5000): Promise<void> {
  if (!start || processIdentity(pid) !== start) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (processIdentity(pid) !== start) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone in the meantime
  }
}
