import type {
  CollectionOptions,
  TransactCallOptions,
  UpdateOptions,
  WithLockOptions,
  WriteOptions,
} from './collection-options.js';
import { AfterCommitError } from './errors/after-commit-error.js';
import { ConflictError } from './errors/conflict-error.js';
import { LockBusyError } from './errors/lock-busy-error.js';
import type { NoclobberError } from './errors/noclobber-error.js';
import { TransientError } from './errors/transient-error.js';
import type { Expect } from './expect.js';
import { Locked } from './locked.js';
import { normalizeExpect } from './normalize.js';
import type { Op } from './ops.js';
import { DEFAULT_MAX_PATCH_BYTES, prepareOps, prepareValue } from './prepare.js';
import { type ResolvedRetry, type RetryOptions, resolveRetry } from './retry-policy.js';
import { retrying } from './retrying.js';
import type { Store, StoreSession, TransactOptions } from './store.js';
import { runTransaction } from './transaction.js';
import type { Tx } from './tx.js';
import type { Key, Row, Snapshot } from './types.js';
import { runUpdate, type UpdateFn } from './update.js';

const retryTransient = (e: NoclobberError) => e.retryable && !(e instanceof ConflictError);

/**
 * Versioned records over one store: every write is conditional and nothing is lost
 * under concurrency. Three ways to write: `apply` (pushdown, no read), `update`
 * (optimistic, re-runs your intent on conflict), `withLock` (pessimistic).
 *
 * @example
 * ```ts
 * const counters = collection(new SqliteStore(db, { table: 'counters', key: 'id' }));
 * await counters.apply('hits', [inc('n', 1)]);                       // one statement
 * await counters.update('hits', (v) => ({ ...v, n: v.n * 2 }));      // re-read + re-run on conflict
 * ```
 */
export class Collection<T extends object = Row> {
  readonly store: Store<T>;
  readonly #retry: RetryOptions | undefined;
  readonly #maxPatchBytes: number;
  readonly #lockTimeoutMs: number;

  constructor(store: Store<T>, options: CollectionOptions = {}) {
    this.store = store;
    this.#retry = options.retry;
    this.#maxPatchBytes = options.maxPatchBytes ?? DEFAULT_MAX_PATCH_BYTES;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 5000;
  }

  /** The cap on one patch's (or value's) JSON size, as configured. */
  get maxPatchBytes(): number {
    return this.#maxPatchBytes;
  }

  #policy(retry?: RetryOptions): ResolvedRetry {
    return resolveRetry(this.#retry, retry);
  }

  /** Runs `afterCommit` once, after the write committed and outside the retry; its failure never re-runs the write. */
  async #committed(snap: Snapshot<T>, afterCommit?: (s: Snapshot<T>) => unknown): Promise<Snapshot<T>> {
    if (!afterCommit) return snap;
    try {
      await afterCommit(snap);
    } catch (e) {
      throw new AfterCommitError('The write committed, but its afterCommit callback failed', {
        snapshot: snap,
        failures: [e],
      });
    }
    return snap;
  }

  /**
   * Runs one write (`op` on the store) under the transient-retry policy. When the store
   * refuses it because another holder has the record's lock (a DynamoDB lease:
   * `LockBusyError`), makes it again under the lock — waiting for the holder up to the lock
   * timeout, as a PostgreSQL `UPDATE` waits on a row lock — instead of spending attempts
   * bouncing off the lease. The write keeps its own expectation either way.
   */
  #retried(
    key: Key,
    retry: RetryOptions | undefined,
    op: (s: StoreSession<T>) => Promise<Snapshot<T>>,
  ): Promise<Snapshot<T>> {
    const policy = this.#policy(retry);
    const lockOptions = {
      lockTimeoutMs: this.#lockTimeoutMs,
      nowait: false,
      ...(policy.signal ? { signal: policy.signal } : {}),
    };
    const attempt = async () => {
      try {
        return await op(this.store);
      } catch (e) {
        if (!(e instanceof LockBusyError)) throw e;
        return this.store.lock(key, op, lockOptions);
      }
    };
    return retrying(policy, attempt, retryTransient);
  }

  /** Reads a record; undefined when it does not exist. */
  get(key: Key): Promise<Snapshot<T> | undefined> {
    return this.store.get(key);
  }

  /**
   * Pushdown: applies ops in ONE conditional statement, without reading first.
   * Commutative changes (increments, merges of disjoint keys) never conflict.
   * @example
   * ```ts
   * await stacks.apply(slug, [merge('env_vars', { A: '1' })], { expect: { where: [field('status').ne('deleting')] } });
   * ```
   */
  async apply(key: Key, ops: readonly Op[], options: WriteOptions<T> = {}): Promise<Snapshot<T>> {
    const change = prepareOps(this.store.schema, key, ops, this.#maxPatchBytes);
    const expect = normalizeExpect(options.expect);
    const cmd = { key, change, expect, ...(options.returnPrevious ? { returnPrevious: true } : {}) };
    const snap = await this.#retried(key, options.retry, (s) => s.write(cmd));
    return this.#committed(snap, options.afterCommit);
  }

  /**
   * Replaces the whole value. `expect` is required: name the version you read (or
   * `{ exists: true }` to overwrite knowingly) — a blind overwrite is the bug this prevents.
   * @example
   * ```ts
   * await docs.replace(id, edited, { expect: { version: snap.version } });
   * ```
   */
  async replace(key: Key, value: T, options: WriteOptions<T> & { expect: Expect }): Promise<Snapshot<T>> {
    const change = prepareValue(this.store.schema, key, value, this.#maxPatchBytes);
    const expect = normalizeExpect(options.expect);
    const cmd = { key, change, expect, ...(options.returnPrevious ? { returnPrevious: true } : {}) };
    const snap = await this.#retried(key, options.retry, (s) => s.write(cmd));
    return this.#committed(snap, options.afterCommit);
  }

  /**
   * Creates a record that must not exist (`ConflictError` 'exists' otherwise).
   * @example
   * ```ts
   * await accounts.create('a1', { id: 'a1', balance: 0 });
   * ```
   */
  async create(key: Key, value: T, options: Omit<WriteOptions<T>, 'expect'> = {}): Promise<Snapshot<T>> {
    const change = prepareValue(this.store.schema, key, value, this.#maxPatchBytes);
    const snap = await retrying(
      this.#policy(options.retry),
      () => this.store.write({ key, change, expect: { absent: true } }),
      retryTransient,
    );
    return this.#committed(snap, options.afterCommit);
  }

  /**
   * Checked delete: fails loudly (`ConflictError` 'gone' / 'stale', `GuardError`) when
   * nothing matched. Returns the deleted snapshot.
   * @example
   * ```ts
   * await docs.delete(id, { expect: { version: snap.version } });
   * ```
   */
  async delete(key: Key, options: WriteOptions<T> = {}): Promise<Snapshot<T>> {
    const expect = normalizeExpect(options.expect ?? { exists: true });
    const snap = await this.#retried(key, options.retry, (s) => s.delete(key, expect));
    return this.#committed(snap, options.afterCommit);
  }

  /**
   * Optimistic read-modify-write: reads a snapshot, runs your pure intent `fn`, writes
   * conditioned on that snapshot's version; if the record moved, re-reads and re-runs
   * `fn`. Validation in `fn` is never stale. `fn` may run several times: put side effects
   * in `afterCommit`. After `escalateAfter` conflicts the remaining attempts take the
   * store's lock, so a hot record cannot starve a writer. Errors thrown by `fn` are never
   * retried.
   * @example
   * ```ts
   * await products.update(id, (p) => {
   *   if (p.stock < 1) throw new OutOfStock();
   *   return { ...p, stock: p.stock - 1 };
   * }, { afterCommit: (s) => emit('stock-changed', s) });
   * ```
   */
  async update(key: Key, fn: UpdateFn<T>, options: UpdateOptions<T> = {}): Promise<Snapshot<T>> {
    const snap = await runUpdate(this.store, key, fn, {
      policy: this.#policy(options.retry),
      where: options.where,
      maxPatchBytes: this.#maxPatchBytes,
      lockTimeoutMs: this.#lockTimeoutMs,
    });
    return this.#committed(snap, options.afterCommit);
  }

  /**
   * Pessimistic: runs `fn` holding the record's lock (row lock `FOR UPDATE` with a lock
   * timeout, SQLite `BEGIN IMMEDIATE`, or a fenced lease). Writes through `locked` are
   * conditioned on the version read under the lock.
   * @example
   * ```ts
   * await accounts.withLock('a1', async (locked) => {
   *   await locked.apply([inc('balance', -5, { min: 0 })]);
   * }, { lockTimeoutMs: 3000 });
   * ```
   */
  withLock<R>(key: Key, fn: (locked: Locked<T>) => Promise<R>, options: WithLockOptions = {}): Promise<R> {
    const policy = this.#policy(options.retry);
    const lockOptions = {
      lockTimeoutMs: options.lockTimeoutMs ?? this.#lockTimeoutMs,
      nowait: options.nowait ?? false,
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      ...(policy.signal ? { signal: policy.signal } : {}),
    };
    return retrying(
      policy,
      () =>
        this.store.lock(
          key,
          (session) => fn(new Locked(session, this.store.schema, key, this.#maxPatchBytes)),
          lockOptions,
        ),
      (e) => e instanceof TransientError,
    );
  }

  /**
   * Runs `fn` as one transaction over several records: all writes commit or none do.
   * The closure is re-run on transient failures (deadlock, serialization) and when
   * `tx.update` finds a record moved, so keep it free of side effects: `tx.afterCommit`
   * runs once after the commit, outside the retry. Writers that keep colliding escalate to
   * locking the records they use in one shared order; `tx.lockAll(keys)` does it up front.
   * `tx.with(other)` writes another collection of the same database in the same transaction.
   * @example
   * ```ts
   * await accounts.transact(async (tx) => {
   *   await tx.lockAll([from, to]);
   *   await tx.apply(from, [inc('balance', -amount, { min: 0 })]);
   *   await tx.apply(to, [inc('balance', amount)]);
   * });
   * ```
   */
  transact<R>(fn: (tx: Tx<T>) => Promise<R>, options: TransactCallOptions = {}): Promise<R> {
    const policy = this.#policy(options.retry);
    const txOptions: TransactOptions = {
      lockTimeoutMs: this.#lockTimeoutMs,
      ...(options.isolation ? { isolation: options.isolation } : {}),
      ...(policy.signal ? { signal: policy.signal } : {}),
    };
    return runTransaction(this.store, fn, { policy, options: txOptions, maxPatchBytes: this.#maxPatchBytes });
  }
}

/**
 * Wraps a store in a {@link Collection}.
 * @example
 * ```ts
 * const stacks = collection(new SqliteStore(db, { table: 'stacks', key: 'slug', json: ['env_vars'] }));
 * ```
 */
export function collection<T extends object = Row>(store: Store<T>, options?: CollectionOptions): Collection<T> {
  return new Collection(store, options);
}
