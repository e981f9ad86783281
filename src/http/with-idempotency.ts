import { isConflictError } from '../core/errors/conflict-error.js';
import { NoclobberError } from '../core/errors/noclobber-error.js';
import type { Tx } from '../core/tx.js';
import { completeKeyIn, type IdempotencyStore, type StoredResponse } from './idempotency.js';
import { problemResponse } from './problem-response.js';

/** Idempotency-Key settings. */
export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  /** How long a key is remembered. Default 24 h. */
  readonly ttlMs?: number;
  /**
   * Whose key space a request's key lives in, so two callers who pick the same key never
   * see each other's answers. Return the authenticated principal (user or client id);
   * `context` is what the adapter passes (Hono's context, Express's or Fastify's request).
   * Default {@link credentialScope}: the request's credentials.
   */
  readonly scope?: (req: Request, context: unknown) => string | Promise<string>;
}

/** An Idempotency-Key problem (400 malformed, 409 in flight, 422 reused for another request). */
export class IdempotencyError extends NoclobberError {
  readonly code = 'idempotency' as const;
  readonly retryable: boolean;
  readonly httpStatus: number;
  constructor(message: string, status: number) {
    super(message);
    this.httpStatus = status;
    this.retryable = status === 409;
  }
  protected title(): string {
    return 'Idempotency-Key conflict';
  }
}

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The default key scope: a digest of the request's `Authorization` header, or else of its
 * `Cookie` header, or `anonymous` when it carries neither. Callers with different
 * credentials never share keys. When credentials rotate between a request and its retry
 * (a refreshed token, a changed cookie), the retry runs again instead of replaying — its
 * own precondition still refuses a second application of a version-checked change. Set
 * `scope` to your principal to replay across rotations.
 * @example
 * ```ts
 * idempotency: { store, scope: (req, c) => (c as Context).get('userId') }
 * ```
 */
export async function credentialScope(req: Request): Promise<string> {
  const auth = req.headers.get('authorization');
  if (auth !== null) return `auth:${(await sha256(auth)).slice(0, 32)}`;
  const cookie = req.headers.get('cookie');
  if (cookie !== null) return `cookie:${(await sha256(cookie)).slice(0, 32)}`;
  return 'anonymous';
}

/**
 * The key a request holds while `withIdempotency` runs it. `completeIn` completes it inside
 * the write's own transaction — possible when the keys live in a collection that
 * transaction can join (the same database handle, pool or client) — so the record and the
 * stored response commit together; `withIdempotency` then does not complete it again.
 */
export class HeldKey {
  /** The key as stored: the scope and the client's key. */
  readonly id: string;
  /** The claim's version, which fences completion and release. */
  readonly token: string | undefined;
  readonly #store: IdempotencyStore;
  #completedInWrite = false;

  constructor(store: IdempotencyStore, id: string, token: string | undefined) {
    this.#store = store;
    this.id = id;
    this.token = token;
  }

  /** True once the key was completed in the write's transaction (which then committed, or `run` threw). */
  get completedInWrite(): boolean {
    return this.#completedInWrite;
  }

  /**
   * Completes the key inside `tx`, conditioned on the claim. A key another request took over
   * (after it expired) fails the whole transaction with a 409 `IdempotencyError`: the write is
   * not made.
   */
  async completeIn(tx: Tx<object>, response: StoredResponse): Promise<void> {
    const keys = this.#store.collection;
    if (!keys) throw new TypeError('noclobber/http: these Idempotency-Keys are not kept in a noclobber collection');
    try {
      await completeKeyIn(tx, keys, this.id, this.token, response);
    } catch (e) {
      if (isConflictError(e))
        throw new IdempotencyError('This Idempotency-Key expired and another request with it is in flight', 409);
      throw e;
    }
    this.#completedInWrite = true;
  }
}

/** The request headers that decide a write's outcome, so they belong to its fingerprint. */
const DECIDING = ['content-type', 'if-match', 'if-none-match', 'if-unmodified-since'] as const;

/**
 * A fingerprint of everything that decides a request's outcome — method, path and query,
 * `Content-Type`, the precondition headers and the body — to tell a retry from a key
 * reused for another request (422).
 * @example
 * ```ts
 * const fp = await requestFingerprint(req, bodyText);
 * ```
 */
export function requestFingerprint(req: Request, body: string): Promise<string> {
  const url = new URL(req.url);
  const headers = DECIDING.map((h) => `${h}:${(req.headers.get(h) ?? '').trim()}`);
  return sha256(JSON.stringify([req.method, `${url.pathname}${url.search}`, ...headers, body]));
}

/**
 * Runs `run` at most once per Idempotency-Key (already parsed) within the caller's scope:
 * a completed key replays its stored response (with `Idempotent-Replayed: true`), a key
 * still in flight gets 409, the same key with another request 422. Only an answer that
 * wrote (2xx) is stored; any other answer — a failed precondition, a conflict, a 5xx —
 * releases the key, since nothing was written and the client may fix and resend. Refusals
 * decided before the write (400, 415, 428, ...) never reach here.
 * `run` gets the {@link HeldKey}: when it completes the key inside its write's transaction
 * (`held.completeIn(tx, response)`), the record and the stored response are one commit.
 * Otherwise (keys in another database) the key is completed after `run`, a second write: a
 * process that dies between the two leaves the key in flight until it expires.
 * @example
 * ```ts
 * return withIdempotency({ store }, { id: 'order-1', scope: 'user:7', fingerprint }, () => write());
 * ```
 */
export async function withIdempotency(
  options: IdempotencyOptions,
  claim: { readonly id: string; readonly scope: string; readonly fingerprint: string },
  run: (held: HeldKey) => Promise<Response>,
): Promise<Response> {
  const id = JSON.stringify([claim.scope, claim.id]);
  const begun = await options.store.begin(id, claim.fingerprint, options.ttlMs ?? 86_400_000);
  if (begun.state === 'completed') {
    const headers = new Headers(begun.response.headers as [string, string][]);
    headers.set('idempotent-replayed', 'true');
    return new Response(begun.response.body || null, { status: begun.response.status, headers });
  }
  if (begun.state === 'in_flight')
    return problemResponse(new IdempotencyError('A request with this Idempotency-Key is still in flight', 409));
  if (begun.state === 'mismatch')
    return problemResponse(new IdempotencyError('This Idempotency-Key was used with a different request', 422));
  const held = new HeldKey(options.store, id, begun.token);
  // Releasing is conditioned on the claim: a write whose commit did reach the database (an
  // unknown outcome) completed the key with it, and a completed key is never released.
  const release = () => options.store.abandon(id, begun.token).catch(() => {});
  let response: Response;
  try {
    response = await run(held);
  } catch (e) {
    await release();
    throw e;
  }
  if (response.status < 200 || response.status >= 300) {
    // Nothing was written; if releasing fails the key just stays in flight until it expires.
    await release();
    return response;
  }
  if (held.completedInWrite) return response;
  const text = await response.text();
  const stored: StoredResponse = { status: response.status, headers: [...response.headers.entries()], body: text };
  await options.store.complete(id, stored, begun.token);
  return new Response(text || null, { status: response.status, headers: response.headers });
}
