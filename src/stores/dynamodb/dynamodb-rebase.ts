import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { WriteCommand } from '../../core/store.js';
import type { Row, Snapshot } from '../../core/types.js';
import { fullItem, keyItem, recordValue, toSnapshot } from './dynamodb-codec.js';
import { diffUpdate } from './dynamodb-diff.js';
import { DynExpr } from './dynamodb-expr.js';
import type { Item } from './dynamodb-item.js';
import { type Lease, leaseCondition } from './dynamodb-lease.js';
import { existsCondition } from './dynamodb-tombstone.js';
import type { DynamoWriter, DynWriteAttempt } from './dynamodb-writer.js';

/**
 * Recomputes the write on `item` (the item a failed condition returned, or a fresh read)
 * with `applyOps`, and writes the result conditioned on the item's version: an
 * `UpdateItem` of the difference, or a `PutItem` of the whole item when there is none to
 * express. `refused` (with the newer item) when the item moved first. Throws first when
 * `item` itself explains why the write cannot happen (gone, guards, lease…).
 * @example
 * ```ts
 * const attempt = await rebaseWrite(writer, cmd, await writer.readItem(cmd.key));
 * ```
 */
export async function rebaseWrite<T extends object>(
  w: DynamoWriter<T>,
  cmd: WriteCommand,
  item: Item | undefined,
  lease?: Lease,
): Promise<Extract<DynWriteAttempt<T>, { outcome: 'written' | 'refused' }>> {
  const t = w.table;
  w.explain(cmd, item, lease);
  // Recompute: the next value and version from the item.
  const current = toSnapshot<T>(t, cmd.key, item) as Snapshot<T>;
  const next = recordValue(t, cmd, current.value as Row);
  const version = t.version.next(current.version);
  // The whole next item, built (and measured against the item cap) whichever request carries it.
  const full = fullItem(t, cmd.key, next, version, (item as Item)[t.lease]);
  // Compile: conditioned on the item's version (and lease), as a diff or as the whole item.
  const condition = (x: DynExpr) =>
    [existsCondition(x, t), t.version.equals(x, current.version), leaseCondition(x, t, lease)].join(' AND ');
  const common = { TableName: t.name, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const;
  let x = new DynExpr();
  const update = diffUpdate(x, t, current.value as Row, next, version);
  let request: () => Promise<unknown>;
  if (update) {
    const input = {
      ...common,
      Key: keyItem(t, cmd.key),
      UpdateExpression: update,
      ConditionExpression: condition(x),
      ...x.input(),
    };
    request = () => w.client.send(new UpdateItemCommand(input));
  } else {
    x = new DynExpr();
    const input = { ...common, Item: full, ConditionExpression: condition(x), ...x.input() };
    request = () => w.client.send(new PutItemCommand(input));
  }
  // Send: a false condition is explained from ALL_OLD, or is a race to recompute on.
  const out = await w.send(cmd, lease, request);
  if ('failed' in out) return { outcome: 'refused', item: out.failed };
  const written: Snapshot<T> = { key: cmd.key, version, value: next as T };
  const snapshot = cmd.returnPrevious
    ? { ...written, previous: { version: current.version, value: current.value } }
    : written;
  return { outcome: 'written', snapshot };
}
