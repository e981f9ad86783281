import { AbortedError } from './errors/aborted-error.js';
import type { NoclobberError } from './errors/noclobber-error.js';

/**
 * Why an attempt failed, as retry budgets count it: `conflict` (another writer got there
 * first: a stale version, a held lease, a serialization failure or deadlock), `connection`
 * (nothing was sent, or a transaction rolled back with its connection), `busy` (a lock or
 * the database was busy: `SQLITE_BUSY`, throttling, a lock timeout, a canceled statement).
 */
export type RetryCause = 'conflict' | 'connection' | 'busy' | 'other';

/**
 * The cause an error counts against.
 * @example
 * ```ts
 * retryCause(new TransientError('refused', { reason: 'connection' })); // 'connection'
 * ```
 */
export function retryCause(e: NoclobberError): RetryCause {
  switch (e.code) {
    case 'conflict':
    case 'lock_busy':
    case 'lock_lost':
      return 'conflict';
    case 'lock_timeout':
      return 'busy';
    case 'transient': {
      const reason = (e as { reason?: string }).reason;
      if (reason === 'connection') return 'connection';
      return reason === 'serialization' || reason === 'deadlock' ? 'conflict' : 'busy';
    }
    default:
      return 'other';
  }
}

/** What `onRetry` is told before each wait. */
export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: NoclobberError;
  /** The cause `error` counts against, and the failures so far by cause. */
  readonly cause: RetryCause;
  readonly attemptsByCause: Readonly<Record<string, number>>;
}

/**
 * How a write retries: bounded attempts, exponential backoff with full jitter
 * (`random(0, min(capMs, baseMs * 2^n))`), an overall deadline and an `AbortSignal`.
 *
 * @example
 * ```ts
 * await docs.update(id, fn, { retry: { attempts: 5, deadlineMs: 1000, signal: req.signal } });
 * ```
 */
export interface RetryOptions {
  /**
   * How many attempts may fail for one cause (see {@link RetryCause}) before the loop gives
   * up with the last error: conflicts and connection failures have separate budgets, so an
   * outage does not spend the conflict budget, and an error tells what really happened
   * (`attempts`, `attemptsByCause`). `1` makes one attempt. Default 12.
   */
  readonly attempts?: number;
  /** Budget for connection failures (nothing sent, or rolled back with the connection). Default `attempts`. */
  readonly connectionAttempts?: number;
  /**
   * Retry `LockTimeoutError`. Default false: a lock wait already took `lockTimeoutMs` (or the
   * server's `lock_timeout`), and retrying it would multiply the wait the caller sees.
   */
  readonly retryLockTimeouts?: boolean;
  /** First backoff ceiling in ms. Default 2. */
  readonly baseMs?: number;
  /** Largest backoff ceiling in ms. Default 200. */
  readonly capMs?: number;
  /** Give up (AbortedError 'deadline') once this many ms have passed since the first attempt. */
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (info: RetryInfo) => void;
  /**
   * After this many stale conflicts on the same record, `update` runs its remaining
   * attempts under the store's lock, so a hot record cannot starve a writer.
   * Default 3; `Infinity` never escalates.
   */
  readonly escalateAfter?: number;
}

/** Ready-made policies. */
export const retryPresets = {
  /** One attempt, no retry. */
  none: { attempts: 1 },
  /** The default: 12 attempts, 2..200 ms full-jitter backoff, escalate to the lock after 3 conflicts. */
  standard: { attempts: 12, baseMs: 2, capMs: 200, escalateAfter: 3 },
  /** For user-facing requests: a few quick tries within 2 s. */
  interactive: { attempts: 5, baseMs: 5, capMs: 100, deadlineMs: 2000, escalateAfter: 2 },
  /** For background jobs: many tries, long waits. */
  patient: { attempts: 30, baseMs: 10, capMs: 2000, escalateAfter: 5 },
} as const satisfies Record<string, RetryOptions>;

/** A retry policy with every default filled in. */
export type ResolvedRetry = Required<
  Omit<RetryOptions, 'deadlineMs' | 'signal' | 'onRetry' | 'connectionAttempts' | 'retryLockTimeouts'>
> &
  Pick<RetryOptions, 'deadlineMs' | 'signal' | 'onRetry' | 'connectionAttempts' | 'retryLockTimeouts'>;

/**
 * Merges policies, later ones winning, over the standard defaults.
 * @example
 * ```ts
 * resolveRetry(collectionDefaults, { attempts: 3 });
 * ```
 */
export function resolveRetry(...layers: (RetryOptions | undefined)[]): ResolvedRetry {
  const out: Record<string, unknown> = { ...retryPresets.standard };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) out[k] = v;
  }
  const r = out as ResolvedRetry;
  if (!(r.attempts >= 1)) throw new RangeError('retry.attempts must be at least 1');
  if (r.connectionAttempts !== undefined && !(r.connectionAttempts >= 1))
    throw new RangeError('retry.connectionAttempts must be at least 1');
  return r;
}

/**
 * How many failed attempts of `cause` the policy allows.
 * @example
 * ```ts
 * budgetFor(resolveRetry({ attempts: 5, connectionAttempts: 20 }), 'connection'); // 20
 * ```
 */
export function budgetFor(policy: Pick<ResolvedRetry, 'attempts' | 'connectionAttempts'>, cause: RetryCause): number {
  return cause === 'connection' ? (policy.connectionAttempts ?? policy.attempts) : policy.attempts;
}

/**
 * Full-jitter delay before retry number `attempt` (1-based).
 * @example
 * ```ts
 * backoffDelay(3, resolveRetry()); // somewhere in [0, 8) ms
 * ```
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<ResolvedRetry, 'baseMs' | 'capMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return random() * ceiling;
}

/**
 * Throws `AbortedError` if the signal fired or the deadline passed.
 * @example
 * ```ts
 * checkAbort(policy, startedAt);
 * ```
 */
export function checkAbort(
  policy: Pick<ResolvedRetry, 'signal' | 'deadlineMs'>,
  startedAt: number,
  cause?: unknown,
): void {
  if (policy.signal?.aborted)
    throw new AbortedError('The operation was aborted', { reason: 'signal', cause: cause ?? policy.signal.reason });
  if (policy.deadlineMs !== undefined && Date.now() - startedAt >= policy.deadlineMs) {
    throw new AbortedError(`Gave up after the ${policy.deadlineMs} ms deadline`, { reason: 'deadline', cause });
  }
}

/**
 * Waits `ms`, waking early (with `AbortedError`) when the signal fires.
 * @example
 * ```ts
 * await sleep(10, controller.signal);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(new AbortedError('The operation was aborted', { reason: 'signal', cause: signal.reason }));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('The operation was aborted', { reason: 'signal', cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
