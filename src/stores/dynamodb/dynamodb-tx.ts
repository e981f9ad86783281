import { randomUUID } from 'node:crypto';
import { type TransactWriteItem, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
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
import type { StoreSession, WriteCommand } from '../../core/store.js';
import type { Key, Row, Snapshot } from '../../core/types.js';
import { fullItem, keyItem, recordValue, toSnapshot } from './dynamodb-codec.js';
import { diffUpdate } from './dynamodb-diff.js';
import { DYNAMODB_MAX_ITEM_BYTES, mapDynamoError } from './dynamodb-errors.js';
import { DynExpr } from './dynamodb-expr.js';
import type { Item } from './dynamodb-item.js';
import { leaseCondition, leaseProblem } from './dynamodb-lease.js';
import type { DynamoWriter } from './dynamodb-writer.js';

/** DynamoDB's limit on actions in one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

interface Entry {
  readonly key: Key;
  /** The record as first read in this transaction (what the commit is conditioned on). */
  readonly base: Snapshot<Row> | undefined;
  readonly baseItem: Item | undefined;
  /** The record as this transaction has left it so far. */
  current: Snapshot<Row> | undefined;
  touched: boolean;
}

interface Cancelled {
  readonly CancellationReasons?: readonly { Code?: string; Message?: string; Item?: Item }[];
}

/**
 * One `transact` attempt on DynamoDB: reads are strongly consistent and remembered; writes
 * are computed at once (so errors are precise and immediate) and buffered; the commit is
 * ONE `TransactWriteItems` in which every write is conditioned on the version it was
 * computed from and every record only read gets a `ConditionCheck` on the version read.
 * If anything moved, the whole transaction is cancelled and the core re-runs the closure —
 * so the closure sees a serializable world (optimistic validation), at any isolation asked.
 * The commit carries a `ClientRequestToken`; when DynamoDB's answer is lost it is sent
 * again with the same token, which DynamoDB applies at most once.
 * @example
 * ```ts
 * const tx = new DynamoTx(writer);
 * const result = await fn(tx);
 * await tx.commit();
 * ```
 */
export class DynamoTx<T extends object = Row> implements StoreSession<T> {
  readonly #w: DynamoWriter<T>;
  readonly #entries = new Map<string, Entry>();

  constructor(writer: DynamoWriter<T>) {
    this.#w = writer;
  }

  async #entry(key: Key): Promise<Entry> {
    const id = keyString(this.#w.table.schema, key);
    let e = this.#entries.get(id);
    if (!e) {
      const item = await this.#w.readItem(key);
      const base = toSnapshot<Row>(this.#w.table, key, item);
      e = { key, base, baseItem: item, current: base, touched: false };
      this.#entries.set(id, e);
    }
    return e;
  }

  async get(key: Key): Promise<Snapshot<T> | undefined> {
    return (await this.#entry(key)).current as Snapshot<T> | undefined;
  }

  async write(cmd: WriteCommand): Promise<Snapshot<T>> {
    const e = await this.#entry(cmd.key);
    const error = explainFailure(this.#w.table.schema, cmd, e.current);
    if (error) throw error;
    const before = e.current;
    const value = recordValue(this.#w.table, cmd, before?.value);
    const version = before ? this.#w.table.version.next(before.version) : this.#w.table.version.initial();
    fullItem(this.#w.table, cmd.key, value, version); // size check now, not at commit
    e.current = { key: cmd.key, version, value };
    e.touched = true;
    const written = e.current as Snapshot<T>;
    return cmd.returnPrevious && before ? { ...written, previous: { version: before.version, value: before.value as T } } : written;
  }

  async delete(key: Key, expect: Expect): Promise<Snapshot<T>> {
    const e = await this.#entry(key);
    if (expect.absent) throw new ConflictError('A delete cannot expect the record to be absent', { reason: e.current ? 'exists' : 'gone', key });
    const error = explainFailure(this.#w.table.schema, { key, change: { ops: [] }, expect }, e.current);
    if (error) throw error;
    const deleted = e.current as Snapshot<T>;
    e.current = undefined;
    e.touched = true;
    return deleted;
  }

  #action(e: Entry): TransactWriteItem {
    const t = this.#w.table;
    const x = new DynExpr();
    const pk = x.name(t.keys[0]!.name);
    const read = e.base ? `attribute_exists(${pk}) AND ${t.version.equals(x, e.base.version)}` : `attribute_not_exists(${pk})`;
    const common = { TableName: t.name, Key: keyItem(this.#w.table, e.key), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
    if (!e.touched || (!e.base && !e.current)) return { ConditionCheck: { ...common, ConditionExpression: read, ...x.input() } };
    if (!e.base) {
      const { Key: _key, ...put } = common;
      const current = e.current as Snapshot<Row>;
      return { Put: { ...put, Item: fullItem(this.#w.table, e.key, current.value, current.version), ConditionExpression: read, ...x.input() } };
    }
    const free = leaseCondition(x, t);
    if (!e.current) return { Delete: { ...common, ConditionExpression: `${read} AND ${free}`, ...x.input() } };
    const update = diffUpdate(x, t, e.base.value, e.current.value, e.current.version);
    if (update) return { Update: { ...common, UpdateExpression: update, ConditionExpression: `${read} AND ${free}`, ...x.input() } };
    const y = new DynExpr();
    const condition = `attribute_exists(${y.name(t.keys[0]!.name)}) AND ${t.version.equals(y, e.base.version)} AND ${leaseCondition(y, t)}`;
    const { Key: _key, ...put } = common;
    const item = fullItem(this.#w.table, e.key, e.current.value, e.current.version, e.baseItem?.[t.lease]);
    return { Put: { ...put, Item: item, ConditionExpression: condition, ...y.input() } };
  }

  #cancelled(e: unknown, entries: readonly Entry[]): unknown {
    for (const [i, r] of ((e as Cancelled).CancellationReasons ?? []).entries()) {
      switch (r.Code) {
        case 'ConditionalCheckFailed': {
          const entry = entries[i];
          const busy = entry?.touched && r.Item ? leaseProblem(this.#w.table, r.Item) : undefined;
          return busy ?? new TransientError('A record the transaction used changed before it committed; run it again', { reason: 'serialization', cause: e });
        }
        case 'TransactionConflict':
          return new TransientError('Another transaction was changing the same records', { reason: 'serialization', cause: e });
        case 'ThrottlingError':
        case 'ProvisionedThroughputExceeded':
        case 'RequestLimitExceeded':
          return new TransientError('DynamoDB throttled the transaction', { reason: 'throttled', cause: e });
        case 'ValidationError':
          if (/size/i.test(r.Message ?? ''))
            return new TooLargeError('An item would exceed DynamoDB’s 400 KB limit', { what: 'item', limitBytes: DYNAMODB_MAX_ITEM_BYTES, cause: e });
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
      throw new InvalidChangeError(`A DynamoDB transaction covers at most ${MAX_TRANSACTION_ITEMS} records; this one used ${entries.length}`, {
        reason: 'too_many_items',
      });
    const input = { TransactItems: entries.map((e) => this.#action(e)), ClientRequestToken: randomUUID() };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#w.client.send(new TransactWriteItemsCommand(input));
        return;
      } catch (e) {
        const name = (e as { name?: string }).name;
        if (name === 'TransactionCanceledException') throw this.#cancelled(e, entries);
        // A resend with the same token while the first is still running.
        if (name === 'TransactionInProgressException' && attempt > 0 && attempt < 6) {
          await sleep(25 * attempt);
          continue;
        }
        const mapped = mapDynamoError(e, 'write') as NoclobberError;
        // The answer was lost: the same token makes the resend idempotent (DynamoDB keeps it 10 minutes).
        if (mapped instanceof CommitUnknownError && attempt < 2) continue;
        throw mapped;
      }
    }
  }
}
