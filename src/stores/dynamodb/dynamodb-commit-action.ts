import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Key, Row, Snapshot } from '../../core/types.js';
import { fullItem, keyItem } from './dynamodb-codec.js';
import { diffUpdate } from './dynamodb-diff.js';
import { DynExpr } from './dynamodb-expr.js';
import type { Item } from './dynamodb-item.js';
import { type Lease, leaseCondition } from './dynamodb-lease.js';
import { absentCondition, existsCondition, tombstoneItem } from './dynamodb-tombstone.js';
import type { DynamoWriter } from './dynamodb-writer.js';

/** One record a DynamoDB transaction used: as read, as left, and the lease it holds on it. */
export interface TxEntry {
  /** The store (table) the record belongs to. */
  readonly w: DynamoWriter<Row>;
  readonly key: Key;
  /** The record as first read in this transaction (what the commit is conditioned on). */
  readonly base: Snapshot<Row> | undefined;
  baseItem: Item | undefined;
  /** The lease this transaction holds on the record (`lockAll`): its writes are conditioned on its token. */
  lease?: Lease;
  /** The record as this transaction has left it so far. */
  current: Snapshot<Row> | undefined;
  /** The last version the key had (its record's, or its tombstone's): a record created here starts after it. */
  floor: string | undefined;
  touched: boolean;
}

/**
 * The one action of a transaction's `TransactWriteItems` for a record it used, conditioned on
 * the record as first read: a `ConditionCheck` for a record only read, an `Update` ending the
 * lease of one only leased, a `Put` for a create or a delete's tombstone, and for a change an
 * `Update` of the difference (or a `Put` of the whole item when there is none to express).
 * @example
 * ```ts
 * const input = { TransactItems: entries.map(commitAction) };
 * ```
 */
export function commitAction(e: TxEntry): TransactWriteItem {
  const t = e.w.table;
  const x = new DynExpr();
  // As read: the record at its version, or no record — nothing, or the very tombstone read.
  const read = e.base
    ? `${existsCondition(x, t)} AND ${t.version.equals(x, e.base.version)}`
    : absentCondition(x, t, e.baseItem);
  const common = {
    TableName: t.name,
    Key: keyItem(t, e.key),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  // A leased record the transaction only read: the commit ends the lease (its expiry set to 0,
  // the fencing token kept) under the same condition a ConditionCheck would have had.
  // (Built only where it is used: DynamoDB refuses a placeholder the expressions do not use.)
  const end = () => `${x.name(t.lease)}.${x.name('until')} = ${x.constant(0)}`;
  if (e.lease && !e.touched)
    return {
      Update: {
        ...common,
        UpdateExpression: `SET ${end()}`,
        ConditionExpression: `${read} AND ${leaseCondition(x, t, e.lease)}`,
        ...x.input(),
      },
    };
  if (!e.touched || (!e.base && !e.current))
    return { ConditionCheck: { ...common, ConditionExpression: read, ...x.input() } };
  if (!e.base) {
    const { Key: _key, ...put } = common;
    const current = e.current as Snapshot<Row>;
    return {
      Put: {
        ...put,
        Item: fullItem(t, e.key, current.value, current.version),
        ConditionExpression: read,
        ...x.input(),
      },
    };
  }
  // Under this transaction's lease, the item must still carry its token; otherwise no other holder's lease may be live.
  const free = leaseCondition(x, t, e.lease);
  if (!e.current) {
    const { Key: _key, ...put } = common;
    // A delete leaves the tombstone, at the last version the key had in this transaction (a lease ends with the item).
    return {
      Put: {
        ...put,
        Item: tombstoneItem(t, e.key, e.floor as string),
        ConditionExpression: `${read} AND ${free}`,
        ...x.input(),
      },
    };
  }
  const diff = diffUpdate(x, t, e.base.value, e.current.value, e.current.version);
  const update = diff && e.lease ? diff.replace(/^SET /, `SET ${end()}, `) : diff;
  if (update)
    return {
      Update: { ...common, UpdateExpression: update, ConditionExpression: `${read} AND ${free}`, ...x.input() },
    };
  const y = new DynExpr();
  const condition = `${existsCondition(y, t)} AND ${t.version.equals(y, e.base.version)} AND ${leaseCondition(y, t, e.lease)}`;
  const { Key: _key, ...put } = common;
  // The whole item is written: a lease of this transaction is written already ended.
  const leaseAttr = e.lease
    ? ({ M: { ...(e.lease.attr as { M?: Item }).M, until: { N: '0' } } } as Item[string])
    : e.baseItem?.[t.lease];
  const item = fullItem(t, e.key, e.current.value, e.current.version, leaseAttr);
  return { Put: { ...put, Item: item, ConditionExpression: condition, ...y.input() } };
}
