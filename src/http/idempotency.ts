import type { Collection } from '../core/collection.js';
import { isConflictError } from '../core/errors/conflict-error.js';
import { set } from '../core/ops.js';

/** A response as stored for replay. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/** What `begin` found for an Idempotency-Key. */
export type IdempotencyBegin =
  | { readonly state: 'started' }
  | { readonly state: 'in_flight' }
  | { readonly state: 'mismatch' }
  | { readonly state: 'completed'; readonly response: StoredResponse };

/**
 * Where Idempotency-Keys live. `begin` atomically claims a key (create-only), so two
 * requests with one key can never both run; a completed key replays its response until
 * it expires.
 */
export interface IdempotencyStore {
  begin(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin>;
  complete(key: string, response: StoredResponse): Promise<void>;
  abandon(key: string): Promise<void>;
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

/**
 * Idempotency keys kept in a noclobber collection — so in the SAME database as your
 * records when you bind it to a table there (`id` text key, `version`, `fingerprint` text,
 * `state` text, `response` JSON, `expires_at` number). Claiming is a create-only write,
 * completing is a conditional write; an expired key (default 24 h, `ttlMs`) can be taken
 * over. A request that died mid-flight leaves its key `in_flight` (409 to retries) until it
 * expires; the record write itself is still guarded by its own If-Match, so a blind retry
 * after expiry cannot apply a version-checked change twice.
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
        await keys.create(id, fresh);
        return { state: 'started' };
      } catch (e) {
        if (!isConflictError(e) || e.reason !== 'exists' || !e.current) throw e;
        const current = e.current.value as IdempotencyRecord;
        if (current.expires_at <= now) {
          try {
            await keys.replace(id, fresh, { expect: { version: e.current.version } });
            return { state: 'started' };
          } catch (again) {
            if (isConflictError(again)) return { state: 'in_flight' };
            throw again;
          }
        }
        if (current.fingerprint !== fingerprint) return { state: 'mismatch' };
        if (current.state === 'completed' && current.response) return { state: 'completed', response: current.response };
        return { state: 'in_flight' };
      }
    },
    async complete(id, response) {
      await keys.apply(id, [set('state', 'completed'), set('response', response as never)]);
    },
    async abandon(id) {
      await keys.delete(id).catch((e) => {
        if (!isConflictError(e)) throw e;
      });
    },
  };
}
