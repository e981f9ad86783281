import { randomUUID } from 'node:crypto';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { LockBusyError } from '../../core/errors/lock-busy-error.js';
import { LockLostError } from '../../core/errors/lock-lost-error.js';
import { LockTimeoutError } from '../../core/errors/lock-timeout-error.js';
import type { NoclobberError } from '../../core/errors/noclobber-error.js';
import { sleep } from '../../core/retry-policy.js';
import type { LockOptions } from '../../core/store.js';
import { isConditionFailed, mapDynamoError } from './dynamodb-errors.js';
import { DynExpr } from './dynamodb-expr.js';
import type { Item } from './dynamodb-item.js';
import type { DynamoClient } from './dynamodb-store-config.js';
import type { DynamoTable } from './dynamodb-table.js';
import { existsCondition, isTombstone } from './dynamodb-tombstone.js';

/**
 * How long a lease lasts when `withLock` gives no `leaseMs` (it is not renewed: work under
 * the lock must finish within it, or its writes are refused with `LockLostError`).
 * @example
 * ```ts
 * await jobs.withLock(id, run, { leaseMs: DEFAULT_LEASE_MS * 4 }); // a slow job
 * ```
 */
export const DEFAULT_LEASE_MS = 15_000;

/**
 * A lease held on one item: a random token (what writes are conditioned on), its expiry,
 * and a fencing token that strictly increases from one holder to the next.
 */
export interface Lease {
  readonly token: string;
  readonly until: number;
  readonly fence: number;
  /** The lease as stored in the item's lease attribute. */
  readonly attr: Item[string];
}

/**
 * The condition a write adds for the lease: under `lease`, the item must still carry its
 * token (so a holder that paused past its expiry, after another took the lease, writes
 * nothing); without one, no other holder's lease may be live.
 * @example
 * ```ts
 * conditions.push(leaseCondition(x, table, lease));
 * ```
 */
export function leaseCondition(x: DynExpr, table: DynamoTable, lease?: Lease): string {
  const l = x.name(table.lease);
  if (lease) return `${l}.${x.name('token')} = ${x.value({ S: lease.token })}`;
  return `(attribute_not_exists(${l}) OR ${l}.${x.name('until')} < ${x.json(Date.now())})`;
}

/**
 * Why a write on `item` was refused because of a lease, if it was: `LockLostError` for a
 * holder whose token is no longer on the item, `LockBusyError` when another live lease holds it.
 * @example
 * ```ts
 * const problem = leaseProblem(table, failedItem, lease);
 * if (problem) throw problem;
 * ```
 */
export function leaseProblem(table: DynamoTable, item: Item, lease?: Lease): NoclobberError | undefined {
  const held = item[table.lease]?.M;
  if (lease) {
    return held?.token?.S === lease.token
      ? undefined
      : new LockLostError('The lease expired and another holder took it; nothing was written by this holder');
  }
  if (held && Number(held.until?.N ?? 0) >= Date.now())
    return new LockBusyError('The record is held by withLock (a lease) elsewhere; nothing was written');
  return undefined;
}

function leaseAttr(token: string, until: number, fence: number): Item[string] {
  return { M: { token: { S: token }, until: { N: String(until) }, fence: { N: String(fence) } } };
}

/**
 * Takes the lease on an existing item: one conditional write that succeeds when no live
 * lease is there, with a fencing token greater than the last one (microseconds of the
 * clock, or one more than the stored token). Waits (polling with backoff) up to
 * `lockTimeoutMs`, or fails at once with `nowait`. A missing record gets no lease — like a
 * row lock on a missing row — and `item` is undefined, or the tombstone the key holds.
 * @example
 * ```ts
 * const { lease, item } = await acquireLease(client, table, keyItem, { lockTimeoutMs: 5000, nowait: false });
 * ```
 */
export async function acquireLease(
  client: DynamoClient,
  table: DynamoTable,
  key: Item,
  options: LockOptions,
): Promise<{ lease?: Lease; item?: Item }> {
  const started = Date.now();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  let fence = Date.now() * 1000;
  let delayMs = 4;
  for (;;) {
    const now = Date.now();
    const token = randomUUID();
    const attr = leaseAttr(token, now + leaseMs, fence);
    const x = new DynExpr();
    const l = x.name(table.lease);
    const f = `${l}.${x.name('fence')}`;
    const condition = [
      existsCondition(x, table),
      `(attribute_not_exists(${l}) OR ${l}.${x.name('until')} < ${x.json(now)})`,
      `(attribute_not_exists(${f}) OR ${f} < ${x.json(fence)})`,
    ].join(' AND ');
    try {
      const out = await client.send(
        new UpdateItemCommand({
          TableName: table.name,
          Key: key,
          UpdateExpression: `SET ${l} = ${x.value(attr)}`,
          ConditionExpression: condition,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...x.input(),
        }),
      );
      return {
        lease: { token, until: now + leaseMs, fence, attr },
        ...(out.Attributes ? { item: out.Attributes } : {}),
      };
    } catch (e) {
      // Taking a lease changes no data: an unanswered attempt is retryable, at worst it expires.
      if (!isConditionFailed(e)) throw mapDynamoError(e, 'read');
      const item = e.Item as Item | undefined;
      // A missing record gets no lease; a tombstone comes back as read (what a create there is conditioned on).
      if (!item) return {};
      if (isTombstone(table, item)) return { item };
      const held = item[table.lease]?.M;
      if (Number(held?.until?.N ?? 0) < now) {
        fence = Math.max(fence, Number(held?.fence?.N ?? 0)) + 1; // the clock is behind the last fencing token
        continue;
      }
      if (options.nowait) throw new LockBusyError('The record is held by withLock (a lease) elsewhere');
      const left = options.lockTimeoutMs - (Date.now() - started);
      if (left <= 0) throw new LockTimeoutError(`Waited ${options.lockTimeoutMs} ms for the record's lease`);
      await sleep(Math.min(left, delayMs * (0.5 + Math.random())), options.signal);
      delayMs = Math.min(delayMs * 2, 50);
    }
  }
}

/**
 * Ends a lease early (its expiry set to 0; the fencing token stays so the next one is
 * larger). A lease that was already lost, or an item deleted under it, needs nothing; any
 * other failure is left to the lease's own expiry.
 * @example
 * ```ts
 * await releaseLease(client, table, keyItem, lease);
 * ```
 */
export async function releaseLease(client: DynamoClient, table: DynamoTable, key: Item, lease: Lease): Promise<void> {
  const x = new DynExpr();
  const l = x.name(table.lease);
  const condition = `${l}.${x.name('token')} = ${x.value({ S: lease.token })}`;
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: table.name,
        Key: key,
        UpdateExpression: `SET ${l}.${x.name('until')} = ${x.constant(0)}`,
        ConditionExpression: condition,
        ...x.input(),
      }),
    );
  } catch {}
}
