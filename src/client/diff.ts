import { isPlainObject, jsonEqual } from '../core/json.js';
import type { Op } from '../core/ops.js';
import { FORBIDDEN_KEYS } from '../core/path.js';
import type { JsonObject, JsonValue } from '../core/types.js';

/** What to send for a change: an RFC 7396 merge patch, or noclobber ops. */
export type Change =
  | { readonly kind: 'merge'; readonly patch: JsonObject }
  | { readonly kind: 'ops'; readonly ops: readonly Op[] };

type Obj = Record<string, unknown>;
const keysOf = (...objs: Obj[]) =>
  [...new Set(objs.flatMap((o) => Object.keys(o)))].filter((k) => !FORBIDDEN_KEYS.has(k));

/** True when an object value holds a `null` member at some depth (outside arrays): a merge patch would delete it. */
function holdsNullMember(v: unknown): boolean {
  return isPlainObject(v) && Object.values(v).some((x) => x === null || holdsNullMember(x));
}

/** The merge patch turning `base` into `next`, or undefined when RFC 7396 cannot say it (a nested null). */
function mergePatch(base: Obj, next: Obj, depth: number): JsonObject | undefined {
  const patch: Obj = {};
  for (const k of keysOf(base, next)) {
    const [b, n] = [base[k], next[k]];
    if (jsonEqual(b, n) || (depth === 0 && b == null && n == null)) continue;
    if (n === undefined || (n === null && depth === 0)) patch[k] = null;
    else if (n === null) return undefined;
    else if (isPlainObject(b) && isPlainObject(n)) {
      const inner = mergePatch(b, n, depth + 1);
      if (!inner) return undefined;
      patch[k] = inner;
    } else if (holdsNullMember(n)) return undefined;
    else patch[k] = n;
  }
  return patch as JsonObject;
}

/** Ops setting each changed leaf and unsetting each removed key (objects recurse; lists are values). */
function opsDiff(base: Obj, next: Obj, at: string[], out: Op[]): Op[] {
  for (const k of keysOf(base, next)) {
    const [b, n] = [base[k], next[k]];
    if (jsonEqual(b, n) || (at.length === 0 && b == null && n == null)) continue;
    const path = [...at, k];
    if (n === undefined || (n === null && at.length === 0)) out.push({ op: 'unset', path });
    else if (isPlainObject(b) && isPlainObject(n)) opsDiff(b, n, path, out);
    else out.push({ op: 'set', path, value: n as JsonValue });
  }
  return out;
}

/**
 * What the user changed from `base` to `next`, and nothing else: a merge patch over the
 * changed paths (or, with `format: 'ops'` or when a merge patch cannot express it — a JSON
 * `null` written inside an object — noclobber ops). Top-level `null` and absent are the
 * same (a NULL column). Undefined when nothing changed. Lists are values (sent whole).
 * Own prototype keys are never sent.
 * @example
 * ```ts
 * diffChange({ title: 'a', plan: 'pro' }, { title: 'b', plan: 'pro' }); // { kind: 'merge', patch: { title: 'b' } }
 * ```
 */
export function diffChange(base: unknown, next: unknown, format: 'merge' | 'ops' = 'merge'): Change | undefined {
  const [b, n] = [isPlainObject(base) ? base : {}, isPlainObject(next) ? next : {}];
  if (format === 'merge') {
    const patch = mergePatch(b, n, 0);
    if (patch) return Object.keys(patch).length === 0 ? undefined : { kind: 'merge', patch };
  }
  const ops = opsDiff(b, n, [], []);
  return ops.length === 0 ? undefined : { kind: 'ops', ops };
}
