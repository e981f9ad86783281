import { ConflictError, collection, field, GuardError, type JsonObject, merge, type Row } from 'noclobber';
import { MemoryStore } from 'noclobber/memory';

/** One request as the server saw it. */
export interface Seen {
  readonly method: string;
  readonly ifMatch: string | null;
  readonly body: unknown;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * A small server with seed 003's wire shape, on web Request/Response: the version travels
 * in the body (`version`, a number) and there is no ETag; a PATCH (merge patch) carries
 * the version it read; a stale one is 409 `{ code: 'CONFLICT_VERSION_MISMATCH', version }`
 * with the current version; a locked subscription is another 409
 * (`SUBSCRIPTION_LOCKED`), which is not a version conflict. Writes are conditioned on the
 * version in one step (a noclobber collection), never checked by a separate read.
 */
export function startVersionServer(options: { hostileRead?: boolean } = {}) {
  const subscriptions = collection(new MemoryStore({ key: 'id', json: ['metadata'] }));
  const seen: Seen[] = [];
  const withVersion = (value: Row, version: string) => ({ ...value, version: Number(version) });
  async function handle(req: Request): Promise<Response> {
    const id = decodeURIComponent(new URL(req.url).pathname.split('/').pop() ?? '');
    const body = req.method === 'GET' ? undefined : await req.json();
    seen.push({ method: req.method, ifMatch: req.headers.get('if-match'), body });
    if (req.method === 'GET') {
      const snap = await subscriptions.get(id);
      if (!snap) return json(404, { code: 'NOT_FOUND' });
      const text = JSON.stringify(withVersion(snap.value, snap.version));
      // A hostile (or buggy) server planting prototype keys in what the client will merge and resend.
      const planted = options.hostileRead
        ? `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},${text.slice(1)}`
        : text;
      return new Response(planted, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (req.method !== 'PATCH' || req.headers.get('content-type') !== 'application/merge-patch+json')
      return json(415, { code: 'UNSUPPORTED' });
    const { version, ...patch } = body as Record<string, unknown>;
    if (typeof version !== 'number') return json(428, { code: 'VERSION_REQUIRED' });
    try {
      const snap = await subscriptions.apply(id, [merge('', patch as JsonObject)], {
        expect: { version: String(version), where: [field('status').ne('locked')] },
      });
      return json(200, withVersion(snap.value, snap.version));
    } catch (e) {
      if (e instanceof ConflictError && e.reason === 'stale')
        return json(409, {
          code: 'CONFLICT_VERSION_MISMATCH',
          message: 'Version mismatch',
          version: Number(e.current?.version),
        });
      if (e instanceof GuardError) return json(409, { code: 'SUBSCRIPTION_LOCKED', message: 'Subscription is locked' });
      throw e;
    }
  }
  return {
    subscriptions,
    seen,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => handle(new Request(input, init))) as typeof fetch,
  };
}
