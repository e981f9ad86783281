import { NoclobberError } from '../core/errors/noclobber-error.js';
import { type IdempotencyStore, requestFingerprint, type StoredResponse } from './idempotency.js';
import { problemResponse } from './problem-response.js';
import { readBody } from './read-body.js';

/** Idempotency-Key settings. */
export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  /** How long a key is remembered. Default 24 h. */
  readonly ttlMs?: number;
  /** Scopes keys (per user or client) so two callers cannot collide. Default: none. */
  readonly scope?: (req: Request) => string;
}

class IdempotencyError extends NoclobberError {
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

/**
 * Runs `run` once per Idempotency-Key: a completed key replays its stored response (with
 * `Idempotent-Replayed: true`), a key still in flight gets 409, the same key with another
 * payload gets 422. 5xx answers and thrown errors release the key so the client can retry.
 * @example
 * ```ts
 * return withIdempotency({ store }, req, 1 << 20, (body) => handle(req, body));
 * ```
 */
export async function withIdempotency(
  options: IdempotencyOptions,
  req: Request,
  limit: number,
  run: (bodyText: string | undefined) => Promise<Response>,
): Promise<Response> {
  const raw = req.headers.get('idempotency-key');
  if (raw === null || req.method === 'GET' || req.method === 'HEAD') return run(undefined);
  if (!/^[\x21-\x7e]{1,255}$/.test(raw)) return problemResponse(new IdempotencyError('Idempotency-Key must be 1-255 visible ASCII characters', 400));
  let body: string;
  try {
    body = await readBody(req, limit);
  } catch (e) {
    if (e instanceof NoclobberError) return problemResponse(e);
    throw e;
  }
  const path = new URL(req.url).pathname;
  const id = `${options.scope?.(req) ?? ''}|${raw}`;
  const begun = await options.store.begin(id, await requestFingerprint(req.method, path, body), options.ttlMs ?? 86_400_000);
  if (begun.state === 'completed') {
    const headers = new Headers(begun.response.headers as [string, string][]);
    headers.set('idempotent-replayed', 'true');
    return new Response(begun.response.body || null, { status: begun.response.status, headers });
  }
  if (begun.state === 'in_flight') return problemResponse(new IdempotencyError('A request with this Idempotency-Key is still in flight', 409));
  if (begun.state === 'mismatch') return problemResponse(new IdempotencyError('This Idempotency-Key was used with a different request', 422));
  let response: Response;
  try {
    response = await run(body);
  } catch (e) {
    await options.store.abandon(id).catch(() => {});
    throw e;
  }
  if (response.status >= 500) {
    await options.store.abandon(id).catch(() => {});
    return response;
  }
  const text = await response.text();
  const stored: StoredResponse = { status: response.status, headers: [...response.headers.entries()], body: text };
  await options.store.complete(id, stored);
  return new Response(text || null, { status: response.status, headers: response.headers });
}
