import type { Expect } from './expect.js';
import type { Guard } from './guards.js';
import type { RetryOptions } from './retry-policy.js';
import type { TransactOptions } from './store.js';
import type { Snapshot } from './types.js';

/** Defaults for every call on a collection. */
export interface CollectionOptions {
  readonly retry?: RetryOptions;
  /** Cap on one patch's (or value's) JSON size, checked before any I/O. Default 256 KiB. */
  readonly maxPatchBytes?: number;
  /** Default lock wait for `withLock` and escalated `update` attempts. Default 5000 ms. */
  readonly lockTimeoutMs?: number;
}

/** Options of a single conditional write. */
export interface WriteOptions<T> {
  readonly expect?: Expect;
  /** Retries transient failures only (a stale `expect` is never retried). */
  readonly retry?: RetryOptions;
  /**
   * Runs once after the write commits, outside every retry. If it throws, the write stands
   * and is not re-run: the call fails with `AfterCommitError` carrying the committed snapshot.
   */
  readonly afterCommit?: (snapshot: Snapshot<T>) => unknown;
  /**
   * Return the record as it was just before the write (`snapshot.previous`), from the same
   * atomic step, e.g. to report exactly what a merge changed. Memory, SQLite, PostgreSQL
   * ≥ 18 and DynamoDB (`ReturnValues: ALL_OLD`) provide it; elsewhere `previous` is absent.
   */
  readonly returnPrevious?: boolean;
}

/** Options of `update`. */
export interface UpdateOptions<T> {
  readonly retry?: RetryOptions;
  /** Guards checked atomically with the final write. */
  readonly where?: readonly Guard[];
  /** Runs once after the write commits; its failure is `AfterCommitError` (the write stands). */
  readonly afterCommit?: (snapshot: Snapshot<T>) => unknown;
}

/** Options of `withLock`. */
export interface WithLockOptions {
  readonly lockTimeoutMs?: number;
  /** Fail at once with `LockBusyError` instead of waiting. */
  readonly nowait?: boolean;
  /** Lease length for stores that lock by lease (DynamoDB, Redis). */
  readonly leaseMs?: number;
  readonly retry?: RetryOptions;
}

/** Options of `transact`. */
export interface TransactCallOptions extends Pick<TransactOptions, 'isolation'> {
  readonly retry?: RetryOptions;
}
