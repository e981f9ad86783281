import {
  type Collection,
  ConflictError,
  field,
  GuardError,
  InvalidChangeError,
  isNoclobberError,
  merge,
  TooLargeError,
} from 'noclobber';
import { problemText } from 'noclobber/http';
import type { Stack } from './stacks.js';

/** An HTTP answer: status and JSON body. */
export interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

/** A problem. Its `detail` may quote input, so it is cut short and its control characters escaped, as `noclobber/http` does. */
function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Reply {
  return {
    status,
    body: { type: `urn:stack-env:${code}`, title: code, status, code, detail: problemText(detail, 300), ...extra },
  };
}

/** Input named in a problem: quoted, at most 40 characters. */
const quoted = (text: string) => `"${problemText(text, 40)}"`;

/**
 * `PATCH /stacks/:slug/env` with `{ "env": { "KEY": "value", "OLD": null } }` (`null` or `""`
 * deletes). The merge, the 64 KiB cap and the "stack is being torn down" guard are ONE
 * statement, so concurrent PATCHes of different keys all survive and a teardown can never
 * slip in between a check and the write. `keys_set` / `keys_deleted` count what the
 * statement really changed, from the row before and after it (a delete of an absent key
 * is neither; setting a key to the value it has is not a set).
 * @example
 * ```ts
 * const reply = await patchStackEnv(stacks, 'web', { env: { API_URL: 'https://api' } });
 * ```
 */
export async function patchStackEnv(stacks: Collection<Stack>, slug: string, body: unknown): Promise<Reply> {
  const env = (body as { env?: unknown } | null)?.env;
  if (typeof env !== 'object' || env === null || Array.isArray(env))
    return problem(400, 'invalid_env', 'The body must be { "env": { "NAME": "value" | null } }');
  const patch: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(env)) {
    if (!NAME.test(k))
      return problem(400, 'invalid_env', `${quoted(k)} is not a variable name (letters, digits, _; at most 256)`);
    if (v !== null && typeof v !== 'string')
      return problem(400, 'invalid_env', `The value of ${quoted(k)} must be a string, or null to delete it`);
    patch[k] = v === '' ? null : v;
  }
  try {
    const written = await stacks.apply(slug, [merge('env_vars', patch)], {
      expect: { where: [field('status').ne('deleting')] },
      returnPrevious: true,
    });
    const before = written.previous?.value.env_vars ?? {};
    const after = written.value.env_vars ?? {};
    const changed = Object.keys(patch).filter((k) => patch[k] !== null && before[k] !== after[k]);
    const deleted = Object.keys(patch).filter((k) => patch[k] === null && k in before && !(k in after));
    return {
      status: 200,
      body: { slug, version: written.version, keys_set: changed.length, keys_deleted: deleted.length, env: after },
    };
  } catch (e) {
    if (e instanceof GuardError) return problem(409, 'stack_deleting', `Stack ${quoted(slug)} is being torn down`);
    if (e instanceof ConflictError && e.reason === 'gone') return problem(404, 'not_found', `No stack ${quoted(slug)}`);
    if (e instanceof TooLargeError) return problem(413, 'env_too_large', e.message, { limitBytes: e.limitBytes });
    if (e instanceof InvalidChangeError) return problem(400, 'invalid_env', e.message);
    if (isNoclobberError(e) && e.httpStatus === 503)
      return problem(503, 'persist_failed', e.message, { retryable: e.retryable });
    throw e;
  }
}
