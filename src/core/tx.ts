import { CannotJoinError } from './errors/cannot-join-error.js';
import { ConflictError } from './errors/conflict-error.js';
import type { Expect } from './expect.js';
import { takeTurn } from './hot-keys.js';
import { keyString } from './key.js';
import { normalizeExpect } from './normalize.js';
import type { Op } from './ops.js';
import { prepareOps, prepareValue } from './prepare.js';
import { UserCodeError } from './retrying.js';
import type { Store, TxSession } from './store.js';
import type { Key, Row, Snapshot } from './types.js';
import { type UpdateFn, updateStep } from './update.js';

/** Conflicts raised by `tx.update`; the transaction is re-run for these. */
export const txUpdateConflicts: WeakSet<object> = new WeakSet();

/** Errors thrown by user code inside `tx.update`'s `fn`: passed to the closure as they are, never retried. */
export const txUserErrors: WeakSet<object> = new WeakSet();

/** What `tx.with` accepts: a collection (or anything naming a store and, optionally, its patch cap). */
export interface Joinable<U extends object> {
  readonly store: Store<U>;
  readonly maxPatchBytes?: number;
}

/** The records one attempt used, per store, in the order every transaction locks them. */
export type LockPlan = readonly (readonly [Store<Row>, readonly Key[]])[];

function storeName(store: Store<Row>): string {
  return store.id ?? store.kind;
}

/**
 * True when `other` can join a transaction of `root` (`tx.with`): both declare the same
 * transaction domain (the same SQLite handle, pg pool, Prisma client, DynamoDB client or
 * memory database) and `other` can join one. Lets a caller check a pairing once, up front,
 * instead of meeting `CannotJoinError` inside a transaction.
 * @example
 * ```ts
 * if (!canJoin(subscriptions.store, audit.store)) throw new TypeError('audit must live in the same database');
 * ```
 */
export function canJoin<A extends object, B extends object>(root: Store<A>, other: Store<B>): boolean {
  const domain = root.transactionDomain;
  return domain !== undefined && other.transactionDomain === domain && typeof other.joinTransaction === 'function';
}

/**
 * This process's turns on records (see `takeTurn`) held by one transaction attempt: each
 * taken once, all given back when the attempt ends — never held across a backoff sleep.
 */
export class Turns {
  readonly #held = new Map<string, () => void>();
  readonly #waitMs: number;

  constructor(waitMs: number) {
    this.#waitMs = waitMs;
  }

  /** Takes the turn on each record, in the order given; `always` also for records not known hot. */
  async take(store: Store<Row>, ids: readonly string[], always: boolean): Promise<void> {
    for (const id of ids) {
      const name = `${storeName(store)}\u0000${id}`;
      if (this.#held.has(name)) continue;
      const done = await takeTurn(store, id, this.#waitMs, always);
      if (done) this.#held.set(name, done);
    }
  }

  releaseAll(): void {
    for (const done of [...this.#held.values()].reverse()) done();
    this.#held.clear();
  }
}

/**
 * One attempt of a transaction: the sessions of every store taking part (the first store's,
 * and those that joined it), the records each touched (so a retry can lock them up front),
 * and the callbacks to run once it committed.
 */
export class TxAttempt {
  readonly callbacks: (() => unknown)[] = [];
  /** This process's turns on records the attempt locks (released when the attempt ends). */
  readonly turns: Turns;
  readonly #root: Store<Row>;
  readonly #sessions = new Map<Store<Row>, TxSession<Row>>();
  readonly #touched = new Map<Store<Row>, Map<string, Key>>();

  constructor(root: Store<Row>, session: TxSession<Row>, turns: Turns) {
    this.#root = root;
    this.#sessions.set(root, session);
    this.turns = turns;
  }

  /** The session of `store` in this transaction, joining it on first use; a store of another domain is refused before anything is sent. */
  session<U extends object>(store: Store<U>): TxSession<U> {
    const s = store as unknown as Store<Row>;
    let session = this.#sessions.get(s);
    if (!session) {
      const root = this.#root;
      const handle = this.#sessions.get(root)?.transaction;
      if (handle === undefined || !canJoin(root, s) || !s.joinTransaction) {
        throw new CannotJoinError(
          `${storeName(s)} cannot join a transaction of ${storeName(root)}: ${s.kind === root.kind ? 'it is bound to another connection, pool or client' : 'it is another database'}`,
          { into: storeName(root), joining: storeName(s) },
        );
      }
      session = s.joinTransaction(handle);
      this.#sessions.set(s, session);
    }
    return session as unknown as TxSession<U>;
  }

  touch(store: Store<Row>, key: Key): string {
    const id = keyString(store.schema, key);
    let keys = this.#touched.get(store);
    if (!keys) this.#touched.set(store, (keys = new Map()));
    if (!keys.has(id)) keys.set(id, key);
    return id;
  }

  /** The records this attempt touched, merged with `previous`, stores and keys in a fixed order. */
  plan(previous: LockPlan = []): LockPlan {
    const all = new Map<Store<Row>, Map<string, Key>>();
    for (const [store, keys] of previous) all.set(store, new Map(keys.map((k) => [keyString(store.schema, k), k])));
    for (const [store, keys] of this.#touched) {
      const into = all.get(store) ?? new Map<string, Key>();
      for (const [id, k] of keys) into.set(id, k);
      all.set(store, into);
    }
    return [...all]
      .sort(([a], [b]) => (storeName(a) < storeName(b) ? -1 : storeName(a) > storeName(b) ? 1 : 0))
      .map(
        ([store, keys]) =>
          [store, [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k)] as const,
      );
  }

  /** Takes the locks of a plan (store by store, keys in order) before the closure runs again. */
  async lock(plan: LockPlan): Promise<void> {
    for (const [store, keys] of plan) {
      const session = this.session(store);
      if (session.lockAll && keys.length > 0) await session.lockAll(keys);
      for (const k of keys) this.touch(store, k);
    }
  }
}

/**
 * The handle a `transact` closure works through. Every write is still conditional; the
 * whole closure commits or rolls back together, and is re-run (so keep it pure) on a
 * transient failure or when `tx.update` finds a record moved. `tx.with(other)` writes
 * another table in the same transaction; `tx.lockAll(keys)` locks records up front, in an
 * order every writer shares, so transfers never deadlock.
 *
 * @example
 * ```ts
 * await accounts.transact(async (tx) => {
 *   await tx.lockAll([from, to]);
 *   await tx.apply(from, [inc('balance', -10, { min: 0 })]);
 *   await tx.apply(to, [inc('balance', 10)]);
 *   await tx.with(ledger).create(entryId, { id: entryId, from, to, amount: 10 });
 * });
 * ```
 */
export class Tx<T extends object> {
  readonly #attempt: TxAttempt;
  readonly #store: Store<T>;
  readonly #maxPatchBytes: number;

  constructor(attempt: TxAttempt, store: Store<T>, maxPatchBytes: number) {
    this.#attempt = attempt;
    this.#store = store;
    this.#maxPatchBytes = maxPatchBytes;
  }

  get #session(): TxSession<T> {
    return this.#attempt.session(this.#store);
  }

  #touch(key: Key): void {
    this.#attempt.touch(this.#store as unknown as Store<Row>, key);
  }

  /** Reads a record inside the transaction (this transaction's own writes included). */
  get(key: Key): Promise<Snapshot<T> | undefined> {
    this.#touch(key);
    return this.#session.get(key);
  }

  /** Applies ops (one conditional statement). */
  apply(
    key: Key,
    ops: readonly Op[],
    options: { expect?: Expect; returnPrevious?: boolean } = {},
  ): Promise<Snapshot<T>> {
    const change = prepareOps(this.#store.schema, key, ops, this.#maxPatchBytes);
    this.#touch(key);
    return this.#session.write({
      key,
      change,
      expect: normalizeExpect(options.expect),
      ...(options.returnPrevious ? { returnPrevious: true } : {}),
    });
  }

  /** Replaces a record's value; `expect` is required (no blind overwrite). */
  replace(key: Key, value: T, options: { expect: Expect; returnPrevious?: boolean }): Promise<Snapshot<T>> {
    const change = prepareValue(this.#store.schema, key, value, this.#maxPatchBytes);
    this.#touch(key);
    return this.#session.write({
      key,
      change,
      expect: normalizeExpect(options.expect),
      ...(options.returnPrevious ? { returnPrevious: true } : {}),
    });
  }

  /** Creates a record that must not exist yet. */
  create(key: Key, value: T): Promise<Snapshot<T>> {
    const change = prepareValue(this.#store.schema, key, value, this.#maxPatchBytes);
    this.#touch(key);
    return this.#session.write({ key, change, expect: { absent: true } });
  }

  /** Checked delete (the record must exist, and match `expect`). */
  delete(key: Key, options: { expect?: Expect } = {}): Promise<Snapshot<T>> {
    const expect = normalizeExpect(options.expect ?? { exists: true });
    this.#touch(key);
    return this.#session.delete(key, expect);
  }

  /**
   * `update`'s own step inside the transaction: reads, runs `fn` on a copy, writes
   * conditioned on what was read. A moved record re-runs the transaction; an error from
   * `fn` reaches the closure as it was thrown and is never retried.
   */
  async update(key: Key, fn: UpdateFn<T>): Promise<Snapshot<T>> {
    this.#touch(key);
    const session = this.#session;
    try {
      return await updateStep(session, this.#store.schema, key, await session.get(key), fn, {
        maxPatchBytes: this.#maxPatchBytes,
      });
    } catch (e) {
      if (e instanceof UserCodeError) {
        if (typeof e.error === 'object' && e.error !== null) txUserErrors.add(e.error);
        throw e.error;
      }
      if (e instanceof ConflictError && e.reason === 'stale') txUpdateConflicts.add(e);
      throw e;
    }
  }

  /**
   * Locks these records now, in an order every transaction shares (row locks, leases; a
   * no-op where the transaction already excludes other writers). Call it first: writers
   * that name their records up front never deadlock, and on PostgreSQL the transaction then
   * runs at READ COMMITTED with those rows held, so it never fails to serialize either.
   */
  async lockAll(keys: readonly Key[]): Promise<void> {
    const ids = new Map(keys.map((k) => [this.#attempt.touch(this.#store as unknown as Store<Row>, k), k]));
    const sorted = [...ids].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const session = this.#session;
    if (!session.lockAll || sorted.length === 0) return;
    // This process's writers of these records take turns first (in the same order), so only
    // other processes compete for the database's locks (leases poll; row locks queue).
    await this.#attempt.turns.take(
      this.#store as unknown as Store<Row>,
      sorted.map(([id]) => id),
      true,
    );
    await session.lockAll(sorted.map(([, k]) => k));
  }

  /**
   * A handle on `other` inside THIS transaction: its writes commit or roll back with this
   * one's. `other` must live where this transaction does (same SQLite handle, same pg pool,
   * same DynamoDB client, same memory database); otherwise `CannotJoinError`, before
   * anything is sent for it.
   */
  with<U extends object>(other: Joinable<U>): Tx<U> {
    this.#attempt.session(other.store);
    return new Tx<U>(this.#attempt, other.store, other.maxPatchBytes ?? this.#maxPatchBytes);
  }

  /** Runs `fn` once, after the transaction commits (never for a rolled-back attempt, never inside a retry). */
  afterCommit(fn: () => unknown): void {
    this.#attempt.callbacks.push(fn);
  }
}
