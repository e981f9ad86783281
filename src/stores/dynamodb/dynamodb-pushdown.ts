import { UpdateItemCommand, type UpdateItemCommandOutput } from '@aws-sdk/client-dynamodb';
import type { WriteCommand } from '../../core/store.js';
import type { Row, Snapshot } from '../../core/types.js';
import { keyItem, recordValue, toSnapshot } from './dynamodb-codec.js';
import { isValidation } from './dynamodb-errors.js';
import { type DynExpr, MAX_EXPRESSION_BYTES } from './dynamodb-expr.js';
import type { Item } from './dynamodb-item.js';
import type { Lease } from './dynamodb-lease.js';
import type { OpsPlan } from './dynamodb-ops-expr.js';
import type { DynamoWriter, DynWriteAttempt } from './dynamodb-writer.js';

/**
 * Writes a change as ONE `UpdateItem` with no read: `plan` (the ops compiled over `x`)
 * sets and removes, and the condition holds the expectation, the guards, the lease, the
 * pushdown's structural conditions and the version bump's. A false condition comes back
 * with the item as it was (`ALL_OLD`) and is explained by `w.send`; what nothing explains
 * is `refused` with that item, to recompute on. `unsent` when the change cannot be one
 * request: an expression over DynamoDB's size limit, or a sum DynamoDB cannot hold.
 * @example
 * ```ts
 * const x = new DynExpr();
 * const plan = planOps(ops, x, capped, table.schema);
 * if (plan) await pushdownWrite(writer, cmd, x, plan);
 * ```
 */
export async function pushdownWrite<T extends object>(
  w: DynamoWriter<T>,
  cmd: WriteCommand,
  x: DynExpr,
  plan: OpsPlan,
  lease?: Lease,
): Promise<DynWriteAttempt<T>> {
  const t = w.table;
  // Compile: the condition and the update expression, within DynamoDB's limit.
  const bump = t.version.bump(x);
  const condition = [
    ...w.conditions(x, cmd.expect, lease),
    ...plan.conditions,
    ...(bump.condition ? [bump.condition] : []),
  ].join(' AND ');
  const remove = plan.remove.length ? ` REMOVE ${plan.remove.join(', ')}` : '';
  const update = `SET ${[...plan.set, bump.set].join(', ')}${remove}`;
  if (update.length > MAX_EXPRESSION_BYTES || condition.length > MAX_EXPRESSION_BYTES) return { outcome: 'unsent' };
  // Send: one conditional request; a false condition is explained from ALL_OLD.
  const returnOld = cmd.returnPrevious === true;
  let out: { ok: UpdateItemCommandOutput } | { failed: Item | undefined };
  try {
    out = await w.send(cmd, lease, () =>
      w.client.send(
        new UpdateItemCommand({
          TableName: t.name,
          Key: keyItem(t, cmd.key),
          UpdateExpression: update,
          ConditionExpression: condition,
          ReturnValues: returnOld ? 'ALL_OLD' : 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...x.input(),
        }),
      ),
    );
  } catch (e) {
    // DynamoDB adds in decimal: a sum it cannot hold (over 38 digits, out of range) is
    // refused before anything is written, and is computed in JavaScript instead.
    if (isValidation((e as { cause?: unknown }).cause)) return { outcome: 'unsent' };
    throw e;
  }
  if ('failed' in out) return { outcome: 'refused', item: out.failed };
  // Written: the new item (ALL_NEW), or — asked for the previous record — the old one and the value computed from it.
  if (!returnOld) return { outcome: 'written', snapshot: toSnapshot<T>(t, cmd.key, out.ok.Attributes) as Snapshot<T> };
  const previous = toSnapshot<T>(t, cmd.key, out.ok.Attributes) as Snapshot<T>;
  const value = recordValue(t, cmd, previous.value as Row) as T;
  const version = bump.version ?? t.version.next(previous.version);
  const snapshot = { key: cmd.key, version, value, previous: { version: previous.version, value: previous.value } };
  return { outcome: 'written', snapshot };
}
