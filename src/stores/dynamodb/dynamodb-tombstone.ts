import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../core/errors/conflict-error.js';
import { TransientError } from '../../core/errors/transient-error.js';
import type { Expect } from '../../core/expect.js';
import type { WriteCommand } from '../../core/store.js';
import type { Key, Row, Snapshot } from '../../core/types.js';
import { fullItem, keyItem, recordValue, toSnapshot } from './dynamodb-codec.js';
import { DynExpr } from './dynamodb-expr.js';
import type { Item } from './dynamodb-item.js';
import type { Lease } from './dynamodb-lease.js';
import type { DynamoTable } from './dynamodb-table.js';
import type { DynamoWriter } from './dynamodb-writer.js';

/** How often a create or delete that lost a race is made again on what it found, before TransientError. */
const MAX_ROUNDS = 8;

/**
 * True for a tombstone: what a delete leaves of an item — its key, its last version and the
 * mark (`DynamoTable.gone`, the deletion time) — so the key's next record starts after that
 * version and no version ever names two incarnations. The tombstone is the item
 * itself, so it is written atomically with the delete and read with every condition.
 * @example
 * ```ts
 * if (isTombstone(table, out.Item)) { … } // the key is free
 * ```
 */
export function isTombstone(t: DynamoTable, item: Item | undefined): boolean {
  return item?.[t.gone] !== undefined;
}

/**
 * The item as a record: undefined for a tombstone.
 * @example
 * ```ts
 * const record = liveItem(table, failed.Item);
 * ```
 */
export function liveItem(t: DynamoTable, item: Item | undefined): Item | undefined {
  return isTombstone(t, item) ? undefined : item;
}

/**
 * The condition "the key holds a record" (an item that is not a tombstone), which every
 * write to an existing record carries — a tombstone keeps the deleted version, so a version
 * condition alone would match it.
 * @example
 * ```ts
 * conditions.push(existsCondition(x, table));
 * ```
 */
export function existsCondition(x: DynExpr, t: DynamoTable): string {
  return `attribute_exists(${x.name(t.keys[0]?.name as string)}) AND attribute_not_exists(${x.name(t.gone)})`;
}

/**
 * The condition "the key holds no record, as it was seen": no item at all, or exactly the
 * tombstone `seen` (same version) — a create over it starts after that version.
 * @example
 * ```ts
 * const condition = absentCondition(x, table, tombstone);
 * ```
 */
export function absentCondition(x: DynExpr, t: DynamoTable, seen: Item | undefined): string {
  if (!isTombstone(t, seen)) return `attribute_not_exists(${x.name(t.keys[0]?.name as string)})`;
  return `attribute_exists(${x.name(t.gone)}) AND ${t.version.equals(x, t.version.read(seen?.[t.version.field]))}`;
}

/**
 * The first version of a record created where `seen` was: after the tombstone's version, or
 * the initial version when the key never held a record (or only one written before noclobber).
 * @example
 * ```ts
 * versionAfter(table, tombstoneAt7); // '8'
 * ```
 */
export function versionAfter(t: DynamoTable, seen: Item | undefined): string {
  return isTombstone(t, seen) ? t.version.next(t.version.read(seen?.[t.version.field])) : t.version.initial();
}

/**
 * The tombstone of a record deleted at `version`: its key, that version (none for "0", as
 * an item written before noclobber has none), the mark and, when tombstones expire, the TTL.
 * @example
 * ```ts
 * const item = tombstoneItem(table, 'p1', '7');
 * ```
 */
export function tombstoneItem(t: DynamoTable, key: Key, version: string): Item {
  const now = Date.now();
  const item = keyItem(t, key);
  if (version !== '0') item[t.version.field] = t.version.attr(version);
  item[t.gone] = { N: String(now) };
  if (t.ttl) item[t.ttl.attribute] = { N: String(Math.ceil(now / 1000 + t.ttl.seconds)) };
  return item;
}

/**
 * A create: one `PutItem` conditioned on the key holding no record. When it finds a
 * tombstone, it is made again on it (`ALL_OLD`, no read): after the tombstone's version and
 * conditioned on that very tombstone.
 * @example
 * ```ts
 * const snap = await createRecord(writer, { key: 'p1', change: { value }, expect: { absent: true } });
 * ```
 */
export async function createRecord<T extends object>(w: DynamoWriter<T>, cmd: WriteCommand): Promise<Snapshot<T>> {
  const t = w.table;
  let value: Row;
  try {
    value = recordValue(t, cmd, undefined);
  } catch (e) {
    // An existing record still wins over a value that could not be written.
    w.explain(cmd, await w.readItem(cmd.key));
    throw e;
  }
  let seen: Item | undefined;
  for (let round = 1; ; round++) {
    const version = versionAfter(t, seen);
    const x = new DynExpr();
    const input = {
      TableName: t.name,
      Item: fullItem(t, cmd.key, value, version),
      ConditionExpression: absentCondition(x, t, seen),
      ...x.input(),
    };
    // A record found is explained (`exists`); a tombstone (or nothing) other than the one assumed is the next round's.
    const out = await w.send(cmd, undefined, () =>
      w.client.send(new PutItemCommand({ ...input, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
    );
    if ('ok' in out) return { key: cmd.key, version, value: value as T };
    if (round >= MAX_ROUNDS)
      throw new TransientError('The key kept changing while the record was being created; retry', {
        reason: 'serialization',
      });
    seen = out.failed;
  }
}

/**
 * A checked delete: one `PutItem` of the tombstone, conditioned as the delete is and on the
 * version it keeps. Without an expected version, that version is read first (strongly
 * consistent); a write that moved it in between makes the delete again on what it found.
 * @example
 * ```ts
 * const deleted = await deleteRecord(writer, 'p1', { version: '7' });
 * ```
 */
export async function deleteRecord<T extends object>(
  w: DynamoWriter<T>,
  key: Key,
  expect: Expect,
  lease?: Lease,
): Promise<Snapshot<T>> {
  const t = w.table;
  const cmd: WriteCommand = { key, change: { ops: [] }, expect };
  if (expect.absent) {
    const current = await w.get(key);
    throw new ConflictError('A delete cannot expect the record to be absent', {
      reason: current ? 'exists' : 'gone',
      key,
    });
  }
  const named = expect.version !== undefined && t.version.isCanonical(expect.version);
  let found: Item | undefined;
  if (!named) {
    found = await w.readItem(key);
    w.explain(cmd, found, lease);
  }
  for (let round = 1; ; round++) {
    const version = named ? (expect.version as string) : t.version.read(found?.[t.version.field]);
    const x = new DynExpr();
    const conditions = [...w.conditions(x, expect, lease), ...(named ? [] : [t.version.equals(x, version)])];
    const input = {
      TableName: t.name,
      Item: tombstoneItem(t, key, version),
      ConditionExpression: conditions.join(' AND '),
      ...x.input(),
    };
    const out = await w.send(cmd, lease, () =>
      w.client.send(
        new PutItemCommand({ ...input, ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      ),
    );
    if ('ok' in out) return toSnapshot<T>(t, key, out.ok.Attributes) as Snapshot<T>;
    // Nothing explained the failure: only the version read moved (a write without an expected version).
    if (named || round >= MAX_ROUNDS)
      throw new TransientError('The record changed while it was being deleted; retry', { reason: 'serialization' });
    found = out.failed;
  }
}
