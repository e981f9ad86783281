import type { Collection } from '../core/collection.js';
import { ConflictError } from '../core/errors/conflict-error.js';
import { isNoclobberError, NoclobberError, type NoclobberErrorOptions } from '../core/errors/noclobber-error.js';
import { canJoin, type Tx } from '../core/tx.js';
import type { Key, Row } from '../core/types.js';
import type { ForceEvent } from './resource-options.js';

/**
 * Where a resource records its forced writes (`?force=true`): an audit collection in the SAME
 * database as the resource's collection, and the entry to write for each forced write. The
 * entry is written in the forced write's own transaction (SQL: one transaction; DynamoDB: the
 * same `TransactWriteItems`), so a forced write without its audit entry cannot exist: if the
 * entry cannot be written, the record is not either.
 */
export interface ForceAudit<A extends object = Row> {
  /** The audit collection: same SQLite handle, pg pool, Prisma client, DynamoDB client or memory database as the resource's. */
  readonly collection: Collection<A>;
  /**
   * The entry for one forced write, key fields included (e.g. a random id). Called inside the
   * transaction, so it may run again when the transaction is retried: keep it free of side
   * effects. A throw refuses the forced write (500, nothing written).
   */
  readonly entry: (event: ForceEvent) => A | Promise<A>;
}

/**
 * The audit entry of a forced write could not be made, so neither was the write: the entry
 * function threw, or the audit collection refused the entry. A server-side failure (500);
 * the resource's `onError` receives it, with the original error as `cause`.
 * @example
 * ```ts
 * onError: (e) => { if (e instanceof AuditError) alert('audit log is failing', e.cause); }
 * ```
 */
export class AuditError extends NoclobberError {
  readonly code = 'audit' as const;
  readonly retryable = false;
  readonly httpStatus = 500;

  constructor(message: string, options: NoclobberErrorOptions = {}) {
    super(message, options);
  }

  protected title(): string {
    return 'The forced write was not made: its audit entry could not be written';
  }
}

/**
 * Checks a resource's audit configuration once, when the resource is made: `authorizeForce`
 * needs `audit`, the audit collection must be able to share the resource's transactions, and
 * the old after-the-fact `onForce` callback is refused with what to use instead.
 * @example
 * ```ts
 * checkForceAudit(options.collection, options);
 * ```
 */
export function checkForceAudit(
  collection: Collection<object>,
  options: { readonly authorizeForce?: unknown; readonly audit?: ForceAudit<object> | undefined },
): void {
  if ((options as { onForce?: unknown }).onForce !== undefined)
    throw new TypeError(
      'noclobber/http: onForce was removed — it ran after the forced write had committed, so a failing audit left a forced write without an entry. Use audit: { collection, entry }: the entry is written in the same transaction as the forced write.',
    );
  if (options.authorizeForce && !options.audit)
    throw new TypeError(
      'noclobber/http: authorizeForce needs audit: { collection, entry } (every forced write is audited in its own transaction)',
    );
  if (options.audit && !canJoin(collection.store, options.audit.collection.store))
    throw new TypeError(
      `noclobber/http: the audit collection (${options.audit.collection.store.id ?? options.audit.collection.store.kind}) cannot share a transaction with ${collection.store.id ?? collection.store.kind}: bind it to the same database handle, pool or client, so the entry commits with the forced write`,
    );
}

/** The key of an entry: its key field(s), as the audit collection's schema names them. */
function keyOfEntry(collection: Collection<object>, entry: object): Key {
  const fields = collection.store.schema.keyFields;
  const row = entry as Row;
  if (fields.length === 1) return row[fields[0] as string] as Key;
  return Object.fromEntries(fields.map((f) => [f, row[f]])) as Key;
}

/** Errors the transaction must see as they are: it re-runs on them (serialization, a lost connection before COMMIT, …). */
function retriedByTransaction(e: unknown): boolean {
  return isNoclobberError(e) && e.retryable && !(e instanceof ConflictError);
}

/**
 * Writes the audit entry of a forced write inside `tx`, the forced write's transaction. A
 * failure that the transaction retries is passed on as it is; any other is an
 * {@link AuditError}, which rolls the forced write back.
 * @example
 * ```ts
 * await subs.transact(async (tx) => { const s = await tx.apply(id, ops); await writeForceAudit(tx, audit, event(s)); });
 * ```
 */
export async function writeForceAudit(tx: Tx<object>, audit: ForceAudit<object>, event: ForceEvent): Promise<void> {
  try {
    const entry = await audit.entry(event);
    await tx.with(audit.collection).create(keyOfEntry(audit.collection, entry), entry);
  } catch (e) {
    if (retriedByTransaction(e)) throw e;
    throw new AuditError('The audit entry of a forced write could not be written, so the write was not made', {
      cause: e,
    });
  }
}
