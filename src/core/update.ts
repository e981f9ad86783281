import { ConflictError } from './errors/conflict-error.js';
import { LockBusyError } from './errors/lock-busy-error.js';
import type { NoclobberError } from './errors/noclobber-error.js';
import type { Guard } from './guards.js';
import { markHot, takeTurn } from './hot-keys.js';
import { cloneJson, jsonEqual } from './json.js';
import { keyString } from './key.js';
import { normalizeExpect } from './normalize.js';
import { prepareValue } from './prepare.js';
import type { ResolvedRetry } from './retry-policy.js';
import { retrying, UserCodeError } from './retrying.js';
import type { Store, StoreSchema, StoreSession } from './store.js';
import type { Key, Snapshot } from './types.js';

/**
 * The caller's intent for `update`: a pure function from the current value to the next.
 * It may validate and throw (never retried); it may run more than once.
 */
export type UpdateFn<T> = (value: T, snapshot: Snapshot<T>) => T | Promise<T>;

interface UpdateRun {
  readonly policy: ResolvedRetry;
  readonly where: readonly Guard[] | undefined;
  readonly maxPatchBytes: number;
  readonly lockTimeoutMs: number;
}

/** What one update step needs besides the record: the patch cap and guards for the write. */
export interface UpdateStepOptions {
  readonly maxPatchBytes: number;
  readonly where?: readonly Guard[] | undefined;
}

/**
 * One read-modify-write step, shared by `update` and `tx.update`: runs `fn` on a deep copy
 * of `snap` (its errors are wrapped in `UserCodeError`, so no retry loop ever retries them),
 * refuses a missing next value, validates it, and — when it differs from `snap` once
 * normalised — writes it conditioned on `snap`'s version (and the guards). An intent that
 * changes nothing writes nothing.
 * @example
 * ```ts
 * const written = await updateStep(store, store.schema, key, await store.get(key), fn, { maxPatchBytes: 65536 });
 * ```
 */
export async function updateStep<T extends object>(
  session: StoreSession<T>,
  schema: StoreSchema,
  key: Key,
  snap: Snapshot<T> | undefined,
  fn: UpdateFn<T>,
  options: UpdateStepOptions,
): Promise<Snapshot<T>> {
  if (!snap) throw new ConflictError('The record does not exist', { reason: 'gone', key });
  let next: T;
  try {
    next = await fn(cloneJson(snap.value), snap);
  } catch (e) {
    throw new UserCodeError(e);
  }
  if (next === undefined || next === null)
    throw new UserCodeError(new TypeError('update(fn): fn must return the next value'));
  const change = prepareValue(schema, key, next, options.maxPatchBytes);
  if (jsonEqual(change.value, snap.value)) return snap;
  const expect = normalizeExpect({ version: snap.version, ...(options.where ? { where: options.where } : {}) });
  return session.write({ key, change, expect });
}

/**
 * The optimistic update loop, written once for every store (see `Collection.update`).
 * Retries stale conflicts and transient errors with full-jitter backoff; after
 * `escalateAfter` stale conflicts, runs the remaining attempts under the store's lock. On
 * a record this process has recently seen contended, updates first take turns in process
 * (`takeTurn`), so they contend only with other processes.
 * @example
 * ```ts
 * await runUpdate(store, key, (v) => ({ ...v, n: v.n + 1 }), { policy: resolveRetry(), where: undefined, maxPatchBytes: 1e6, lockTimeoutMs: 5000 });
 * ```
 */
export async function runUpdate<T extends object>(
  store: Store<T>,
  key: Key,
  fn: UpdateFn<T>,
  run: UpdateRun,
): Promise<Snapshot<T>> {
  const id = keyString(store.schema, key);
  const lockOptions = {
    lockTimeoutMs: run.lockTimeoutMs,
    nowait: false,
    ...(run.policy.signal ? { signal: run.policy.signal } : {}),
  };
  /** Contention seen so far on this record: stale conflicts, and writes refused by another's lock. */
  let conflicts = 0;

  /**
   * The retry decision for a failed attempt, counting contention on the way: a stale
   * conflict is retried; any other conflict is final. A plain write refused because another
   * holder has the record's lock (a DynamoDB lease) is contention too: counted, so the
   * writer escalates to waiting for the lock instead of spinning until its attempts run out.
   */
  const countContention = (e: NoclobberError): boolean => {
    const contended = e instanceof ConflictError ? e.reason === 'stale' : e instanceof LockBusyError;
    if (contended) {
      conflicts++;
      markHot(store, id);
    }
    return e instanceof ConflictError ? contended : e.retryable;
  };

  // On a record this process has seen contended, its own updates take turns: at once when
  // it is already hot, and after their first conflict otherwise.
  const maxWaitMs = Math.min(run.lockTimeoutMs, run.policy.deadlineMs ?? Number.POSITIVE_INFINITY);
  let done: (() => void) | undefined;
  const turn = async () => {
    done ??= await takeTurn(store, id, maxWaitMs);
  };

  /** Read, compute and write conditioned on the version read: contends with other writers. */
  const optimisticStep = async (): Promise<Snapshot<T>> =>
    updateStep(store, store.schema, key, await store.get(key), fn, run);
  /** The same step under the store's lock on the record: waits for the others instead. */
  const lockedStep = (): Promise<Snapshot<T>> =>
    store.lock(key, (session) => updateStep(session, store.schema, key, session.snapshot, fn, run), lockOptions);
  /** One attempt: optimistic until `escalateAfter` contentions, locked after. */
  const attempt = async (): Promise<Snapshot<T>> => {
    if (conflicts > 0) await turn();
    return conflicts >= run.policy.escalateAfter ? lockedStep() : optimisticStep();
  };

  try {
    await turn();
    return await retrying(run.policy, attempt, countContention);
  } finally {
    done?.();
  }
}
