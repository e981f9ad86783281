import { ConflictError } from './errors/conflict-error.js';
import type { Guard } from './guards.js';
import type { Op } from './ops.js';
import { prepareOps, prepareValue } from './prepare.js';
import type { LockSession, StoreSchema } from './store.js';
import type { Key, Snapshot } from './types.js';

/**
 * The record held under `withLock`. Writes are conditioned on the version read under the
 * lock (and, for leases, on the fencing token), so even a holder that lost its lock
 * cannot clobber.
 *
 * @example
 * ```ts
 * await accounts.withLock('a1', async (locked) => {
 *   if ((locked.value?.balance ?? 0) < 10) throw new Error('insufficient funds');
 *   await locked.apply([inc('balance', -10)]);
 * });
 * ```
 */
export class Locked<T extends object> {
  readonly #session: LockSession<T>;
  readonly #schema: StoreSchema;
  readonly #key: Key;
  readonly #maxPatchBytes: number;
  #snapshot: Snapshot<T> | undefined;

  constructor(session: LockSession<T>, schema: StoreSchema, key: Key, maxPatchBytes: number) {
    this.#session = session;
    this.#schema = schema;
    this.#key = key;
    this.#maxPatchBytes = maxPatchBytes;
    this.#snapshot = session.snapshot;
  }

  /** The record as it stands under the lock (after this holder's own writes). */
  get snapshot(): Snapshot<T> | undefined {
    return this.#snapshot;
  }

  /**
   * Where the store locks by lease (DynamoDB): the lease's fencing token, larger than every
   * earlier holder's. Undefined for row and database locks, which cannot outlive their holder.
   */
  get fencingToken(): number | undefined {
    return this.#session.fencingToken;
  }

  /** The record's value, or undefined when it does not exist. */
  get value(): T | undefined {
    return this.#snapshot?.value;
  }

  #current(): Snapshot<T> {
    if (!this.#snapshot) throw new ConflictError('The record does not exist', { reason: 'gone', key: this.#key });
    return this.#snapshot;
  }

  /** Applies ops to the locked record. */
  async apply(ops: readonly Op[], options: { where?: readonly Guard[] } = {}): Promise<Snapshot<T>> {
    const change = prepareOps(this.#schema, this.#key, ops, this.#maxPatchBytes);
    const version = this.#current().version;
    this.#snapshot = await this.#session.write({
      key: this.#key,
      change,
      expect: { version, ...(options.where ? { where: options.where } : {}) },
    });
    return this.#snapshot;
  }

  /** Replaces the locked record's value. */
  async replace(value: T): Promise<Snapshot<T>> {
    const change = prepareValue(this.#schema, this.#key, value, this.#maxPatchBytes);
    this.#snapshot = await this.#session.write({
      key: this.#key,
      change,
      expect: { version: this.#current().version },
    });
    return this.#snapshot;
  }

  /** Creates the record when it did not exist. */
  async create(value: T): Promise<Snapshot<T>> {
    const change = prepareValue(this.#schema, this.#key, value, this.#maxPatchBytes);
    this.#snapshot = await this.#session.write({ key: this.#key, change, expect: { absent: true } });
    return this.#snapshot;
  }

  /** Deletes the locked record. */
  async delete(): Promise<Snapshot<T>> {
    const deleted = await this.#session.delete(this.#key, { version: this.#current().version });
    this.#snapshot = undefined;
    return deleted;
  }
}
