import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { oneLine } from './service-error.js';

/** A server process started by {@link launch}. */
export interface LaunchedProcess {
  readonly child: ChildProcess;
  /** The last 16 KB of what it printed (stdout and stderr). */
  output(): string;
  /**
   * Settles when the process could not be spawned or has exited, with a one-line reason.
   * Never rejects: a spawn failure is an outcome here, not an unhandled `'error'` event.
   */
  readonly ended: Promise<string>;
  /** Sends `signal`, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(signal: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * Spawns a server with every failure path handled: a missing binary or a permission
 * error (`ENOENT`, `EACCES`) and an early exit settle `ended` with a reason instead of
 * surfacing as an unhandled `'error'` event that would take the whole test run down.
 * @example
 * ```ts
 * const p = launch('java', ['-version'], {});
 * console.log(await p.ended); // 'exited with code 0: openjdk version …'
 * ```
 */
export function launch(command: string, args: readonly string[], options: SpawnOptions): LaunchedProcess {
  let output = '';
  const keep = (d: unknown) => {
    output = (output + String(d)).slice(-16_384);
  };
  // spawn itself throws only for malformed arguments; everything else arrives as events.
  const child = spawn(command, [...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const ended = new Promise<string>((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => resolve(`${command} could not be run (${e.code ?? e.message})`));
    child.once('exit', (code, signal) =>
      resolve(`exited with ${signal ? `signal ${signal}` : `code ${code}`}: ${oneLine(output, 400) || 'no output'}`),
    );
  });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.stdout?.on('error', () => {});
  child.stderr?.on('error', () => {});
  let gone = false;
  void ended.then(() => {
    gone = true;
  });
  return {
    child,
    output: () => output,
    ended,
    async stop(signal, graceMs = 10_000) {
      if (gone || child.pid === undefined) return;
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
      const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs).unref());
      if ((await Promise.race([ended, timer])) === 'late') {
        try {
          child.kill('SIGKILL');
        } catch {
          // gone in the meantime
        }
        await ended;
      }
    },
  };
}

/**
 * Waits until `ready()` says yes, the process ends, or `timeoutMs` passes; returns `undefined`
 * when ready, otherwise the one-line reason.
 * @example
 * ```ts
 * const failed = await waitReady(p, () => p.output().includes('ready to accept connections'), 30_000);
 * ```
 */
export async function waitReady(
  p: LaunchedProcess,
  ready: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let ended: string | undefined;
  void p.ended.then((reason) => {
    ended = reason;
  });
  for (;;) {
    if (ended !== undefined) return ended;
    if (
      await Promise.resolve()
        .then(ready)
        .catch(() => false)
    )
      return undefined;
    if (Date.now() > deadline)
      return `did not become ready within ${timeoutMs} ms: ${oneLine(p.output(), 400) || 'no output'}`;
    await new Promise((r) => setTimeout(r, 100));
  }
}
