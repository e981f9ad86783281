import { LockBusyError } from './errors/lock-busy-error.js';
import { LockTimeoutError } from './errors/lock-timeout-error.js';

/**
 * A FIFO async mutex with a wait timeout and a try-now mode.
 * @example
 * ```ts
 * const release = await mutex.acquire({ timeoutMs: 1000 });
 * try { ... } finally { release(); }
 * ```
 */
export class Mutex {
  #held = false;
  readonly #waiters: (() => void)[] = [];

  get held(): boolean {
    return this.#held;
  }

  /** Waits for the mutex; `LockTimeoutError` after `timeoutMs`, `LockBusyError` at once with `nowait`. */
  acquire(options: { timeoutMs?: number; nowait?: boolean } = {}): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    if (options.nowait) return Promise.reject(new LockBusyError('The lock is held'));
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grant = () => {
        if (timer) clearTimeout(timer);
        resolve(this.#releaser());
      };
      this.#waiters.push(grant);
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const i = this.#waiters.indexOf(grant);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(new LockTimeoutError(`Waited ${options.timeoutMs} ms for the lock`));
        }, options.timeoutMs);
      }
    });
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#held = false;
    };
  }
}
