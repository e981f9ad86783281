import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { TransientError } from '../../core/errors/transient-error.js';
import type { Expect } from '../../core/expect.js';
import { explainFailure } from '../../core/explain-failure.js';
import type { NormalOp } from '../../core/ops.js';
import type { StoreSession, WriteCommand } from '../../core/store.js';
import type { JsonValue, Key, Row, Snapshot } from '../../core/types.js';
import { fullItem, keyItem, recordValue, toSnapshot } from './dynamodb-codec.js';
import { DYNAMODB_MAX_ITEM_BYTES, isConditionFailed, mapDynamoError } from './dynamodb-errors.js';
import { DynExpr } from './dynamodb-expr.js';
import { type GuardScope, guardExpr } from './dynamodb-guards-expr.js';
import type { Item } from './dynamodb-item.js';
import { type Lease, leaseCondition, leaseProblem } from './dynamodb-lease.js';
import { planOps } from './dynamodb-ops-expr.js';
import { pushdownWrite } from './dynamodb-pushdown.js';
import { rebaseWrite } from './dynamodb-rebase.js';
import type { DynamoClient } from './dynamodb-store-config.js';
import type { DynamoTable } from './dynamodb-table.js';
import { createRecord, deleteRecord, existsCondition, liveItem } from './dynamodb-tombstone.js';

/** How often a write that names no version is rebased on a newer item before giving up with TransientError. */
const MAX_REBASE_ROUNDS = 8;

/**
 * What one conditional request of the write path decided: `written` (the record as
 * written); `refused` — its condition was false and the item as it was (`ALL_OLD`, or
 * `undefined`: none) explained nothing final, so the write is recomputed on that item;
 * `unsent` — the change cannot be one request, and is computed on the item instead.
 */
export type DynWriteAttempt<T> =
  | { readonly outcome: 'written'; readonly snapshot: Snapshot<T> }
  | { readonly outcome: 'refused'; readonly item: Item | undefined }
  | { readonly outcome: 'unsent' };

/**
 * The write paths of the DynamoDB store, each ONE conditional request:
 * - ops: one `UpdateItem` whose condition holds the expectation, the guards, the lease and
 *   the structural conditions of the pushdown; when it fails, the item as it was
 *   (`ALL_OLD`) explains why (`explainFailure`) — or, when only a structural condition
 *   failed, the write is rebased on that item: recomputed with `applyOps` and written
 *   conditioned on its version (no extra read);
 * - create: `PutItem` if the key holds no record (after its tombstone, see
 *   `dynamodb-tombstone.ts`); replace at a known version: `PutItem` on it;
 * - delete: `PutItem` of the tombstone, conditioned as the delete is.
 * @example
 * ```ts
 * const writer = new DynamoWriter(client, table);
 * await writer.write({ key: 'p1', change: { ops }, expect: {} });
 * ```
 */
export class DynamoWriter<T extends object = Row> implements StoreSession<T> {
  readonly #client: DynamoClient;
  readonly #t: DynamoTable;
  readonly #capped: ReadonlySet<string>;
  readonly #scope: GuardScope;

  constructor(client: DynamoClient, table: DynamoTable) {
    this.#client = client;
    this.#t = table;
    const keys = table.keys.map((k) => k.name);
    this.#scope = { pk: keys[0] as string, keys, hidden: [table.version.field, table.lease, table.gone] };
    // A condition cannot measure a map, and an item under a smaller cap than DynamoDB's must be measured whole.
    this.#capped = new Set(Object.keys(table.schema.maxBytes ?? {}));
  }

  get client(): DynamoClient {
    return this.#client;
  }

  get table(): DynamoTable {
    return this.#t;
  }

  /** A strongly consistent read of the raw item. */
  async readItem(key: Key): Promise<Item | undefined> {
    try {
      const out = await this.#client.send(
        new GetItemCommand({ TableName: this.#t.name, Key: keyItem(this.#t, key), ConsistentRead: true }),
      );
      return out.Item;
    } catch (e) {
      throw mapDynamoError(e, 'read');
    }
  }

  async get(key: Key): Promise<Snapshot<T> | undefined> {
    return toSnapshot<T>(this.#t, key, await this.readItem(key));
  }

  /** Throws why `cmd` failed on `item` (the item as the failed condition saw it), if anything explains it. */
  explain(cmd: WriteCommand, found: Item | undefined, lease?: Lease): void {
    // A tombstone is no record: the key is absent.
    const item = liveItem(this.#t, found);
    // A lease holder learns first that it lost the lease; anyone else first learns what no retry can fix.
    if (item && lease) {
      const lost = leaseProblem(this.#t, item, lease);
      if (lost) throw lost;
    }
    const error = explainFailure(this.#t.schema, cmd, toSnapshot<T>(this.#t, cmd.key, item));
    if (error) throw error;
    if (item && !lease) {
      const busy = leaseProblem(this.#t, item);
      if (busy) throw busy;
    }
  }

  /** The conditions every write to an existing record carries (a record: not a tombstone). */
  conditions(x: DynExpr, expect: Expect, lease?: Lease): string[] {
    const out = [existsCondition(x, this.#t)];
    if (expect.version !== undefined) out.push(this.#t.version.equals(x, expect.version));
    for (const g of expect.where ?? []) out.push(guardExpr(g, x, this.#scope));
    out.push(leaseCondition(x, this.#t, lease));
    return out;
  }

  /** Sends one conditional request; a false condition is explained (thrown) or handed back for a rebase. */
  async send<R>(
    cmd: WriteCommand,
    lease: Lease | undefined,
    request: () => Promise<R>,
  ): Promise<{ ok: R } | { failed: Item | undefined }> {
    try {
      return { ok: await request() };
    } catch (e) {
      if (!isConditionFailed(e)) throw mapDynamoError(e, 'write');
      const item = e.Item as Item | undefined;
      this.explain(cmd, item, lease);
      return { failed: item };
    }
  }

  /**
   * The write path, for a record that exists: a replace of an open item at a known version
   * is one `PutItem` (`#put`); anything else is first tried as ONE `UpdateItem` with no read
   * (`pushdownWrite`), and, when it is refused by a structural condition or cannot be
   * pushed down, recomputed on the item (`#recompute`).
   */
  async write(cmd: WriteCommand, lease?: Lease): Promise<Snapshot<T>> {
    if (cmd.expect.absent) return createRecord(this, cmd);
    const { version } = cmd.expect;
    // "02" or "abc" is no version DynamoDB ever gave out: explained (stale / gone) from the item, never sent.
    if (version !== undefined && !this.#t.version.isCanonical(version)) {
      this.explain(cmd, await this.readItem(cmd.key), lease);
      throw new TransientError('The record changed while the write was being decided; retry', {
        reason: 'serialization',
      });
    }
    // A whole item is put only when any attribute may be written; otherwise the attributes
    // the item holds decide what a value may carry (see `fields`).
    const open = !this.#t.schema.fields && !this.#t.schema.fixedFields;
    if ('value' in cmd.change && version !== undefined && open) return this.#put(cmd, version, lease);
    const pushed = await this.#pushdown(cmd, lease);
    if (pushed.outcome === 'written') return pushed.snapshot;
    // Recompute on the item the refused condition returned (ALL_OLD), or on a fresh read when nothing was sent.
    return this.#recompute(cmd, pushed.outcome === 'refused' ? pushed.item : await this.readItem(cmd.key), lease);
  }

  /** The change compiled to one `UpdateItem` and sent, when its ops can be pushed down. */
  async #pushdown(cmd: WriteCommand, lease?: Lease): Promise<DynWriteAttempt<T>> {
    const ops = 'ops' in cmd.change ? cmd.change.ops : this.#replaceOps(cmd.change.value);
    // An item under a smaller cap than DynamoDB's must be measured whole: computed on the item.
    if (!ops || this.#t.maxItemBytes !== DYNAMODB_MAX_ITEM_BYTES) return { outcome: 'unsent' };
    const x = new DynExpr();
    const plan = planOps(ops, x, this.#capped, this.#t.schema);
    return plan ? pushdownWrite(this, cmd, x, plan, lease) : { outcome: 'unsent' };
  }

  /**
   * Rebases on `item`, round after round. A write that names no version applies to whatever
   * is current, so a lost race is rebased again on the newer item (as PostgreSQL re-evaluates
   * an UPDATE on the newest row version); each round is one conditional request.
   */
  async #recompute(cmd: WriteCommand, item: Item | undefined, lease?: Lease): Promise<Snapshot<T>> {
    for (let round = 1; ; round++) {
      const attempt = await rebaseWrite(this, cmd, item, lease);
      if (attempt.outcome === 'written') return attempt.snapshot;
      if (round >= MAX_REBASE_ROUNDS)
        throw new TransientError('The record kept changing while the write was being computed; retry', {
          reason: 'serialization',
        });
      item = attempt.item;
    }
  }

  /**
   * A whole value as ops over the known fields (set what it has, unset the rest), so
   * `replace` at any version is one conditional UpdateItem. Without a field list the
   * attributes to remove are unknown, and the replace is rebased on the item instead.
   */
  #replaceOps(value: Row): NormalOp[] | undefined {
    const fields = this.#t.schema.fields;
    if (!fields) return undefined;
    // Attributes outside the list may ride along only unchanged: that needs the item.
    if (Object.keys(value).some((k) => !fields.includes(k))) return undefined;
    const keys = new Set(this.#t.schema.keyFields);
    const ops: NormalOp[] = [];
    for (const f of fields) {
      if (keys.has(f)) continue;
      const v = value[f];
      ops.push(
        v === undefined || v === null ? { op: 'unset', path: [f] } : { op: 'set', path: [f], value: v as JsonValue },
      );
    }
    return ops;
  }

  async #put(cmd: WriteCommand, expected: string, lease?: Lease): Promise<Snapshot<T>> {
    const value = recordValue(this.#t, cmd, {});
    const version = this.#t.version.next(expected);
    const x = new DynExpr();
    const condition = this.conditions(x, cmd.expect, lease).join(' AND ');
    const item = fullItem(this.#t, cmd.key, value, version, lease?.attr);
    const out = await this.send(cmd, lease, () =>
      this.#client.send(
        new PutItemCommand({
          TableName: this.#t.name,
          Item: item,
          ConditionExpression: condition,
          ReturnValues: cmd.returnPrevious ? 'ALL_OLD' : 'NONE',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...x.input(),
        }),
      ),
    );
    if ('failed' in out)
      throw new TransientError('The record changed while it was being replaced; retry', { reason: 'serialization' });
    const written: Snapshot<T> = { key: cmd.key, version, value: value as T };
    const previous = cmd.returnPrevious ? toSnapshot<T>(this.#t, cmd.key, out.ok.Attributes) : undefined;
    return previous ? { ...written, previous: { version: previous.version, value: previous.value } } : written;
  }

  delete(key: Key, expect: Expect, lease?: Lease): Promise<Snapshot<T>> {
    return deleteRecord(this, key, expect, lease);
  }
}
