import { AbortedError } from './errors/aborted-error.js';
import { isNoclobberError, type NoclobberError } from './errors/noclobber-error.js';
import { backoffDelay, budgetFor, checkAbort, type ResolvedRetry, retryCause, sleep } from './retry-policy.js';

/** Wraps an error thrown by user code so retry loops pass it through untouched. */
export class UserCodeError {
  constructor(readonly error: unknown) {}
}

/**
 * Runs `attempt` until it succeeds, `shouldRetry` says no, the budget of the failure's cause
 * runs out (conflicts and connection failures are counted apart, see `RetryCause`), the
 * deadline passes or the signal fires. The error that ends the loop is the LAST failure,
 * stamped with `attempts` and `attemptsByCause`. Backoff grows with the failures of that
 * cause only. Errors from user code (wrapped in `UserCodeError`) are rethrown as they were,
 * never retried; a `LockTimeoutError` is not retried unless the policy says so.
 * @example
 * ```ts
 * await retrying(resolveRetry(), (n) => store.write(cmd), (e) => e.retryable);
 * ```
 */
export async function retrying<R>(
  policy: ResolvedRetry,
  attempt: (n: number) => Promise<R>,
  shouldRetry: (e: NoclobberError) => boolean,
): Promise<R> {
  const startedAt = Date.now();
  const counts: Record<string, number> = {};
  let last: NoclobberError | undefined;
  const stamp = (e: NoclobberError, n: number) => {
    e.attempts = n;
    e.attemptsByCause = { ...counts };
    return e;
  };
  for (let n = 1; ; n++) {
    // The last failure stays the cause, also when a late timer lets the deadline pass in the sleep.
    try {
      checkAbort(policy, startedAt, last);
    } catch (e) {
      throw e instanceof AbortedError ? stamp(e, n - 1) : e;
    }
    try {
      return await attempt(n);
    } catch (e) {
      if (e instanceof UserCodeError) throw e.error;
      if (!isNoclobberError(e)) throw e;
      last = e;
      const cause = retryCause(e);
      const failed = (counts[cause] ?? 0) + 1;
      counts[cause] = failed;
      const lockTimeout = e.code === 'lock_timeout' && !policy.retryLockTimeouts;
      if (lockTimeout || !shouldRetry(e) || failed >= budgetFor(policy, cause)) throw stamp(e, n);
      const delayMs = backoffDelay(failed, policy);
      policy.onRetry?.({ attempt: n, delayMs, error: e, cause, attemptsByCause: { ...counts } });
      if (policy.deadlineMs !== undefined && Date.now() + delayMs - startedAt >= policy.deadlineMs) {
        stamp(e, n);
        try {
          checkAbort({ deadlineMs: 0 }, startedAt, e);
        } catch (aborted) {
          throw aborted instanceof AbortedError ? stamp(aborted, n) : aborted;
        }
      }
      try {
        await sleep(delayMs, policy.signal);
      } catch (aborted) {
        throw aborted instanceof AbortedError ? stamp(aborted, n) : aborted;
      }
    }
  }
}
