import { ConflictError } from './errors/conflict-error.js';
import type { Expect } from './expect.js';
import { cloneJson, jsonEqual } from './json.js';
import { normalizeExpect } from './normalize.js';
import type { Op } from './ops.js';
import { prepareOps, prepareValue } from './prepare.js';
import type { StoreSchema, StoreSession } from './store.js';
import type { Key, Snapshot } from './types.js';

/** Conflicts raised by `tx.update`; the transaction is re-run for these. */
export const txUpdateConflicts: WeakSet<object> = new WeakSet();

/**
 * The handle a `transact` closure works through. Every write is still conditional; the
 * whole closure commits or rolls back together, and is re-run (so keep it pure) on a
 * transient failure or when `tx.update` finds a record moved.
 *
 * @example
 * ```ts
 * await accounts.transact(async (tx) => {
 *   await tx.apply('a', [inc('balance', -10, { min: 0 })]);
 *   await tx.apply('b', [inc('balance', 10)]);
 * });
 * ```
 */
export class Tx<T extends object> {
  readonly #session: StoreSession<T>;
  readonly #schema: StoreSchema;
  readonly #maxPatchBytes: number;
  readonly #afterCommit: (() => unknown)[];

  constructor(session: StoreSession<T>, schema: StoreSchema, maxPatchBytes: number, afterCommit: (() => unknown)[]) {
    this.#session = session;
    this.#schema = schema;
    this.#maxPatchBytes = maxPatchBytes;
    this.#afterCommit = afterCommit;
  }

  /** Reads a record inside the transaction. */
  get(key: Key): Promise<Snapshot<T> | undefined> {
    return this.#session.get(key);
  }

  /** Applies ops (one conditional statement). */
  apply(key: Key, ops: readonly Op[], options: { expect?: Expect } = {}): Promise<Snapshot<T>> {
    return this.#session.write({ key, change: prepareOps(this.#schema, key, ops, this.#maxPatchBytes), expect: normalizeExpect(options.expect) });
  }

  /** Replaces a record's value; `expect` is required (no blind overwrite). */
  replace(key: Key, value: T, options: { expect: Expect }): Promise<Snapshot<T>> {
    return this.#session.write({ key, change: prepareValue(this.#schema, key, value, this.#maxPatchBytes), expect: normalizeExpect(options.expect) });
  }

  /** Creates a record that must not exist yet. */
  create(key: Key, value: T): Promise<Snapshot<T>> {
    return this.#session.write({ key, change: prepareValue(this.#schema, key, value, this.#maxPatchBytes), expect: { absent: true } });
  }

  /** Checked delete (the record must exist, and match `expect`). */
  delete(key: Key, options: { expect?: Expect } = {}): Promise<Snapshot<T>> {
    return this.#session.delete(key, normalizeExpect(options.expect ?? { exists: true }));
  }

  /** Reads, runs `fn`, writes conditioned on what was read; a moved record re-runs the transaction. */
  async update(key: Key, fn: (value: T, snapshot: Snapshot<T>) => T | Promise<T>): Promise<Snapshot<T>> {
    const snap = await this.#session.get(key);
    if (!snap) throw new ConflictError('The record does not exist', { reason: 'gone', key });
    const next = await fn(cloneJson(snap.value), snap);
    if (jsonEqual(next, snap.value)) return snap;
    try {
      return await this.#session.write({ key, change: prepareValue(this.#schema, key, next, this.#maxPatchBytes), expect: { version: snap.version } });
    } catch (e) {
      if (e instanceof ConflictError && e.reason === 'stale') txUpdateConflicts.add(e);
      throw e;
    }
  }

  /** Runs `fn` once, after the transaction commits (never for a rolled-back attempt). */
  afterCommit(fn: () => unknown): void {
    this.#afterCommit.push(fn);
  }
}
