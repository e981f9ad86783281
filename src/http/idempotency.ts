import type { Collection } from '../core/collection.js';
import { isConflictError } from '../core/errors/conflict-error.js';
import { type Op, set } from '../core/ops.js';
import type { Tx } from '../core/tx.js';

/** A response as stored for replay. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/** What `begin` found for an Idempotency-Key. */
export type IdempotencyBegin =
  /** This request holds the key; `token` (the claim's version) fences its completion and release. */
  | { readonly state: 'started'; readonly token?: string }
  | { readonly state: 'in_flight' }
  | { readonly state: 'mismatch' }
  | { readonly state: 'completed'; readonly response: StoredResponse };

/**
 * Where Idempotency-Keys live. `begin` atomically claims a key (create-only), so two
 * requests with one key can never both run; a completed key replays its response until
 * it expires. `complete` and `abandon` get the claim's `token` when `begin` gave one, and
 * must then leave a key another request has since taken over alone.
 */
export interface IdempotencyStore {
  begin(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin>;
  complete(key: string, response: StoredResponse, token?: string): Promise<void>;
  abandon(key: string, token?: string): Promise<void>;
  /**
   * The collection the keys are kept in, when it is a noclobber collection
   * ({@link collectionIdempotency}). A resource whose collection can share its transaction
   * (same database handle, pool or client) completes the key in the write's own transaction.
   */
  readonly collection?: Collection<IdempotencyRecord>;
}

/** The row an idempotency key is kept in. */
export interface IdempotencyRecord {
  [field: string]: unknown;
  id: string;
  fingerprint: string;
  state: 'in_flight' | 'completed';
  response: StoredResponse | null;
  expires_at: number;
}

/** The ops that complete a claimed key with its response. */
function completion(response: StoredResponse): Op[] {
  return [set('state', 'completed'), set('response', response as never)];
}

/**
 * Completes a claimed key inside `tx`, the transaction that makes the request's write, so
 * the record and the stored response commit together or not at all. Conditioned on the
 * claim's version: when another request took the key over (it expired), the write's whole
 * transaction fails with the `ConflictError`.
 * @example
 * ```ts
 * await subs.transact(async (tx) => { await tx.apply(id, ops); await completeKeyIn(tx, keys, keyId, token, stored); });
 * ```
 */
export async function completeKeyIn(
  tx: Tx<object>,
  keys: Collection<IdempotencyRecord>,
  id: string,
  token: string | undefined,
  response: StoredResponse,
): Promise<void> {
  await tx
    .with(keys)
    .apply(id, completion(response), { expect: token === undefined ? { exists: true } : { version: token } });
}

/**
 * Idempotency keys kept in a noclobber collection — in the SAME database as your records
 * when you bind it to a table there (`id` text key, `version`, `fingerprint` text, `state`
 * text, `response` JSON, `expires_at` number). Claiming is a create-only write; an expired
 * key (default 24 h, `ttlMs`) can be taken over. When the resource's collection can share a
 * transaction with these keys (same SQLite handle, pg pool, Prisma client, DynamoDB client),
 * the key is completed in the write's own transaction: the record and the stored response
 * commit together, so a process dying in between cannot exist. A request that died before
 * its commit leaves its key `in_flight` (409 to retries) until it expires, and nothing of
 * its write. Completion and release are conditioned on the claim's version, so a request
 * whose key was taken over after expiry never completes or deletes the new claim.
 * @example
 * ```ts
 * const keys = collectionIdempotency(collection(new SqliteStore(db, { table: 'idempotency_keys', key: 'id', json: ['response'] })));
 * ```
 */
export function collectionIdempotency(keys: Collection<IdempotencyRecord>): IdempotencyStore {
  return {
    async begin(id, fingerprint, ttlMs) {
      const now = Date.now();
      const fresh: IdempotencyRecord = { id, fingerprint, state: 'in_flight', response: null, expires_at: now + ttlMs };
      try {
        return { state: 'started', token: (await keys.create(id, fresh)).version };
      } catch (e) {
        if (!isConflictError(e) || e.reason !== 'exists' || !e.current) throw e;
        const current = e.current.value as IdempotencyRecord;
        if (current.expires_at <= now) {
          try {
            return {
              state: 'started',
              token: (await keys.replace(id, fresh, { expect: { version: e.current.version } })).version,
            };
          } catch (again) {
            if (isConflictError(again)) return { state: 'in_flight' };
            throw again;
          }
        }
        if (current.fingerprint !== fingerprint) return { state: 'mismatch' };
        if (current.state === 'completed' && current.response)
          return { state: 'completed', response: current.response };
        return { state: 'in_flight' };
      }
    },
    async complete(id, response, token) {
      // After a takeover the key is another request's: its claim is left alone.
      await keys
        .apply(id, completion(response), { expect: token === undefined ? { exists: true } : { version: token } })
        .catch((e) => {
          if (!isConflictError(e)) throw e;
        });
    },
    async abandon(id, token) {
      await keys.delete(id, token === undefined ? {} : { expect: { version: token } }).catch((e) => {
        if (!isConflictError(e)) throw e;
      });
    },
    collection: keys,
  };
}
