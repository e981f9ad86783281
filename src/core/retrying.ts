import { isNoclobberError, type NoclobberError } from './errors/noclobber-error.js';
import { backoffDelay, checkAbort, type ResolvedRetry, sleep } from './retry-policy.js';

/** Wraps an error thrown by user code so retry loops pass it through untouched. */
export class UserCodeError {
  constructor(readonly error: unknown) {}
}

/**
 * Runs `attempt` until it succeeds, `shouldRetry` says no, attempts run out, the deadline
 * passes or the signal fires. Errors from user code (wrapped in `UserCodeError`) are
 * rethrown as they were, never retried.
 * @example
 * ```ts
 * await retrying(resolveRetry(), (n) => store.write(cmd), (e) => e.retryable);
 * ```
 */
export async function retrying<R>(policy: ResolvedRetry, attempt: (n: number) => Promise<R>, shouldRetry: (e: NoclobberError) => boolean): Promise<R> {
  const startedAt = Date.now();
  let last: NoclobberError | undefined;
  for (let n = 1; ; n++) {
    // The last failure stays the cause, also when a late timer lets the deadline pass in the sleep.
    checkAbort(policy, startedAt, last);
    try {
      return await attempt(n);
    } catch (e) {
      if (e instanceof UserCodeError) throw e.error;
      if (!isNoclobberError(e)) throw e;
      last = e;
      if (!shouldRetry(e) || n >= policy.attempts) {
        e.attempts = n;
        throw e;
      }
      const delayMs = backoffDelay(n, policy);
      policy.onRetry?.({ attempt: n, delayMs, error: e });
      if (policy.deadlineMs !== undefined && Date.now() + delayMs - startedAt >= policy.deadlineMs) {
        e.attempts = n;
        checkAbort({ deadlineMs: 0 }, startedAt, e);
      }
      await sleep(delayMs, policy.signal);
    }
  }
}
