import { randomUUID } from 'node:crypto';
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { CommitUnknownError } from '../../core/errors/commit-unknown-error.js';
import { ConflictError } from '../../core/errors/conflict-error.js';
import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import type { NoclobberError } from '../../core/errors/noclobber-error.js';
import { TooLargeError } from '../../core/errors/too-large-error.js';
import { TransientError } from '../../core/errors/transient-error.js';
import type { Expect } from '../../core/expect.js';
import { explainFailure } from '../../core/explain-failure.js';
import { keyString } from '../../core/key.js';
import { sleep } from '../../core/retry-policy.js';
import type { TxSession, WriteCommand } from '../../core/store.js';
import type { Key, Row, Snapshot } from '../../core/types.js';
import { fullItem, keyItem, recordValue, toSnapshot } from './dynamodb-codec.js';
import { commitAction, type TxEntry } from './dynamodb-commit-action.js';
import { DYNAMODB_MAX_ITEM_BYTES, mapDynamoError } from './dynamodb-errors.js';
import type { Item } from './dynamodb-item.js';
import { acquireLease, type Lease, leaseProblem, releaseLease } from './dynamodb-lease.js';
import type { DynamoClient } from './dynamodb-store-config.js';
import { liveItem } from './dynamodb-tombstone.js';
import type { DynamoWriter } from './dynamodb-writer.js';

/** The last version an item gives its key: its record's, or its tombstone's (none for no item). */
const floorOf = (w: DynamoWriter<Row>, item: Item | undefined): string | undefined =>
  item && w.table.version.read(item[w.table.version.field]);

/** DynamoDB's limit on actions in one TransactWriteItems. */
export /** Re-sends of a commit whose outcome is unknown, with backoff from 25 ms to 1 s: about 5 s in all. */
const RESEND_ATTEMPTS = 10;
const RESEND_MAX_DELAY_MS = 1000;
const MAX_TRANSACTION_ITEMS = 100;

interface Cancelled {
  readonly CancellationReasons?: readonly { Code?: string; Message?: string; Item?: Item }[];
}

/** How long `lockAll` waits for a lease held elsewhere, when the transaction names no wait. */
const DEFAULT_LOCK_WAIT_MS = 5000;

/**
 * How long a transaction's lease lasts: it only has to outlive one commit, and a holder that
 * died (or lost the network) mid-commit must not keep others waiting past their own lock wait —
 * so half of it, between 1 and 15 s. A holder slower than that loses its lease and its commit
 * is refused (`LockLostError`, retried), never applied over another holder's.
 */
function transactionLeaseMs(lockWaitMs: number): number {
  return Math.min(15_000, Math.max(1000, Math.floor(lockWaitMs / 2)));
}

/**
 * One `transact` attempt on DynamoDB, over one client and any tables of it: reads are
 * strongly consistent and remembered; writes are computed at once (so errors are precise and
 * immediate) and buffered; the commit is ONE `TransactWriteItems` in which every write is
 * conditioned on the version it was computed from and every record only read gets a
 * `ConditionCheck` on the version read. If anything moved, the whole transaction is cancelled
 * and the core re-runs the closure — so the closure sees a serializable world (optimistic
 * validation), at any isolation asked. Stores on the same client join it (`session(writer)`),
 * so two tables commit in the same request. `lockAll` takes leases in key order (escalation
 * and writers that name their records up front): other writers then wait for them, and the
 * commit is conditioned on the leases' tokens. The commit carries a `ClientRequestToken`;
 * when DynamoDB's answer is lost it is sent again with the same token, which DynamoDB
 * applies at most once.
 * @example
 * ```ts
 * const tx = new DynamoTx(client, { lockTimeoutMs: 5000 });
 * try { const result = await fn(tx.session(writer)); await tx.commit(); } finally { await tx.release(); }
 * ```
 */
export class DynamoTx {
  readonly client: DynamoClient;
  readonly #entries = new Map<string, TxEntry>();
  /** Set once the commit went through: its own actions ended every lease, nothing left to release. */
  #committed = false;
  readonly #lockWaitMs: number;
  readonly #signal: AbortSignal | undefined;

  constructor(client: DynamoClient, options: { lockTimeoutMs?: number; signal?: AbortSignal } = {}) {
    this.client = client;
    this.#lockWaitMs = options.lockTimeoutMs ?? DEFAULT_LOCK_WAIT_MS;
    this.#signal = options.signal;
  }

  /** The session of one store (table) in this transaction. */
  session<T extends object>(writer: DynamoWriter<T>): TxSession<T> {
    const w = writer as unknown as DynamoWriter<Row>;
    return {
      transaction: this,
      get: async (key) => (await this.#entry(w, key)).current as Snapshot<T> | undefined,
      write: (cmd) => this.#write(w, cmd) as Promise<Snapshot<T>>,
      delete: (key, expect) => this.#delete(w, key, expect) as Promise<Snapshot<T>>,
      lockAll: (keys) => this.#lockAll(w, keys),
    };
  }

  #id(w: DynamoWriter<Row>, key: Key): string {
    return `${w.table.name}\u0000${keyString(w.table.schema, key)}`;
  }

  async #entry(w: DynamoWriter<Row>, key: Key): Promise<TxEntry> {
    const id = this.#id(w, key);
    let e = this.#entries.get(id);
    if (!e) {
      const item = await w.readItem(key);
      const base = toSnapshot<Row>(w.table, key, item);
      e = { w, key, base, baseItem: item, current: base, floor: floorOf(w, item), touched: false };
      this.#entries.set(id, e);
    }
    return e;
  }

  /**
   * Leases the records, one after the other in the order given (the core sorts them), waiting
   * for other holders up to the transaction's lock wait. A missing record gets no lease, as a
   * row lock on a missing row. The leased item, returned by the lease's own write, becomes the
   * record's read (no extra request).
   */
  async #lockAll(w: DynamoWriter<Row>, keys: readonly Key[]): Promise<void> {
    for (const key of keys) {
      const id = this.#id(w, key);
      if (this.#entries.get(id)?.lease) continue;
      const options = {
        lockTimeoutMs: this.#lockWaitMs,
        leaseMs: transactionLeaseMs(this.#lockWaitMs),
        nowait: false,
        ...(this.#signal ? { signal: this.#signal } : {}),
      };
      const { lease, item } = await acquireLease(this.client, w.table, keyItem(w.table, key), options);
      const known = this.#entries.get(id);
      if (known) {
        if (lease) {
          known.lease = lease;
          if (known.baseItem) known.baseItem = { ...known.baseItem, [w.table.lease]: lease.attr };
        }
        continue;
      }
      const base = toSnapshot<Row>(w.table, key, item);
      this.#entries.set(id, {
        w,
        key,
        base,
        baseItem: item,
        current: base,
        floor: floorOf(w, item),
        touched: false,
        ...(lease ? { lease } : {}),
      });
    }
  }

  /** Ends the leases this transaction took, after a rollback (a commit ends them in its own request). */
  async release(): Promise<void> {
    if (this.#committed) return;
    await Promise.all(
      [...this.#entries.values()]
        .filter((e) => e.lease)
        .map((e) => releaseLease(this.client, e.w.table, keyItem(e.w.table, e.key), e.lease as Lease)),
    );
  }

  /** A write to a record another holder has leased would only be refused at the commit: say so now. */
  #refuseForeignLease(e: TxEntry): void {
    if (e.lease || !e.baseItem) return;
    const busy = leaseProblem(e.w.table, e.baseItem);
    if (busy) throw busy;
  }

  async #write(w: DynamoWriter<Row>, cmd: WriteCommand): Promise<Snapshot<Row>> {
    const e = await this.#entry(w, cmd.key);
    const error = explainFailure(w.table.schema, cmd, e.current);
    if (error) throw error;
    this.#refuseForeignLease(e);
    const before = e.current;
    const value = recordValue(w.table, cmd, before?.value);
    // After every version the key had, its deleted records' included.
    const version = e.floor === undefined ? w.table.version.initial() : w.table.version.next(e.floor);
    fullItem(w.table, cmd.key, value, version); // size check now, not at commit
    e.current = { key: cmd.key, version, value };
    e.floor = version;
    e.touched = true;
    const written = e.current;
    return cmd.returnPrevious && before
      ? { ...written, previous: { version: before.version, value: before.value } }
      : written;
  }

  async #delete(w: DynamoWriter<Row>, key: Key, expect: Expect): Promise<Snapshot<Row>> {
    const e = await this.#entry(w, key);
    if (expect.absent)
      throw new ConflictError('A delete cannot expect the record to be absent', {
        reason: e.current ? 'exists' : 'gone',
        key,
      });
    const error = explainFailure(w.table.schema, { key, change: { ops: [] }, expect }, e.current);
    if (error) throw error;
    this.#refuseForeignLease(e);
    const deleted = e.current as Snapshot<Row>;
    e.current = undefined;
    e.touched = true;
    return deleted;
  }

  #cancelled(e: unknown, entries: readonly TxEntry[]): unknown {
    for (const [i, r] of ((e as Cancelled).CancellationReasons ?? []).entries()) {
      switch (r.Code) {
        case 'ConditionalCheckFailed': {
          const entry = entries[i];
          const item = entry && liveItem(entry.w.table, r.Item);
          const busy = entry?.touched && item ? leaseProblem(entry.w.table, item, entry.lease) : undefined;
          return (
            busy ??
            new TransientError('A record the transaction used changed before it committed; run it again', {
              reason: 'serialization',
              cause: e,
            })
          );
        }
        case 'TransactionConflict':
          return new TransientError('Another transaction was changing the same records', {
            reason: 'serialization',
            cause: e,
          });
        case 'ThrottlingError':
        case 'ProvisionedThroughputExceeded':
        case 'RequestLimitExceeded':
          return new TransientError('DynamoDB throttled the transaction', { reason: 'throttled', cause: e });
        case 'ValidationError':
          if (/size/i.test(r.Message ?? ''))
            return new TooLargeError('An item would exceed DynamoDB’s 400 KB limit', {
              what: 'item',
              limitBytes: DYNAMODB_MAX_ITEM_BYTES,
              cause: e,
            });
      }
    }
    return e;
  }

  /** Sends the buffered writes and the read checks as one TransactWriteItems. */
  async commit(): Promise<void> {
    const entries = [...this.#entries.values()];
    // One read, or none, is consistent by itself; two or more reads are checked together.
    if (!entries.some((e) => e.touched) && entries.length <= 1) return;
    if (entries.length > MAX_TRANSACTION_ITEMS)
      throw new InvalidChangeError(
        `A DynamoDB transaction covers at most ${MAX_TRANSACTION_ITEMS} records; this one used ${entries.length}`,
        {
          reason: 'too_many_items',
        },
      );
    const input = { TransactItems: entries.map((e) => commitAction(e)), ClientRequestToken: randomUUID() };
    // Set once a send's answer was lost: that send may have been applied, so from then on only
    // DynamoDB's own answer to this token (success, or cancelled) may end the commit. Anything
    // else — a refused connection, another lost answer, the first send still in progress — is
    // answered by sending the same token again (idempotent for 10 minutes), never by running
    // the transaction again under a new token, which would apply it twice.
    let unknown: CommitUnknownError | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new TransactWriteItemsCommand(input));
        this.#committed = true;
        return;
      } catch (e) {
        const name = (e as { name?: string }).name;
        if (name === 'TransactionCanceledException') throw this.#cancelled(e, entries);
        const mapped = mapDynamoError(e, 'write') as NoclobberError;
        if (!unknown && mapped instanceof CommitUnknownError) unknown = mapped;
        if (!unknown) throw mapped;
        const undecided =
          name === 'TransactionInProgressException' || mapped.retryable || mapped instanceof CommitUnknownError;
        if (!undecided || attempt >= RESEND_ATTEMPTS) throw unknown;
        await sleep(Math.min(RESEND_MAX_DELAY_MS, 25 * 2 ** attempt));
      }
    }
  }
}
