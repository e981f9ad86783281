import { InvalidChangeError } from './errors/invalid-change-error.js';
import { keyProblem } from './path.js';
import type { JsonObject, JsonValue } from './types.js';

/**
 * True for a plain JSON object (not an array, not null).
 * @example
 * ```ts
 * isPlainObject({ a: 1 }); // true
 * isPlainObject([1]);      // false
 * ```
 */
export function isPlainObject(v: unknown): v is JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Structural equality of JSON values (object key order does not matter).
 * @example
 * ```ts
 * jsonEqual({ a: 1, b: [2] }, { b: [2], a: 1 }); // true
 * ```
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b as object, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * A deep copy of a JSON-like value (plain objects and arrays are copied; scalars kept).
 * @example
 * ```ts
 * const copy = cloneJson(snapshot.value);
 * ```
 */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneJson(x);
    return out as T;
  }
  return v;
}

/**
 * Checks that `v` is JSON (finite numbers, plain objects, arrays, no `undefined`) and has no
 * forbidden key (`__proto__`, `constructor`, `prototype`) at any depth. Throws
 * `InvalidChangeError` (`not_json` / `forbidden_key` / `bad_path`) naming the path.
 * @example
 * ```ts
 * assertJson(JSON.parse('{"__proto__":{"admin":true}}'), ['profile']); // throws forbidden_key
 * ```
 */
export function assertJson(v: unknown, at: readonly string[] = []): asserts v is JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return;
    throw new InvalidChangeError(`Not a finite number at ${at.join('.') || '(root)'}`, { reason: 'not_json', path: at });
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) assertJson(v[i], [...at, String(i)]);
    return;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      const problem = keyProblem(k);
      if (problem) {
        throw new InvalidChangeError(problem === 'forbidden_key' ? `The key "${k}" is not allowed` : `The key ${JSON.stringify(k)} is not valid`, {
          reason: problem,
          path: [...at, k],
        });
      }
      assertJson(v[k], [...at, k]);
    }
    return;
  }
  throw new InvalidChangeError(`Not a JSON value at ${at.join('.') || '(root)'}`, { reason: 'not_json', path: at });
}

/**
 * UTF-8 byte length of a value's JSON text.
 * @example
 * ```ts
 * jsonBytes({ a: 'é' }); // 10
 * ```
 */
export function jsonBytes(v: unknown): number {
  return utf8Length(JSON.stringify(v) ?? '');
}

/** UTF-8 length of a string, counted without encoding it (this runs on every write). */
function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 UTF-16 units
      i++;
    } else bytes += 2; // 3 bytes (a lone surrogate encodes as U+FFFD, also 3)
  }
  return bytes;
}
