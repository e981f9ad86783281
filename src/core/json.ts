import { InvalidChangeError } from './errors/invalid-change-error.js';
import { keyProblem, LONE_SURROGATE } from './path.js';
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
  return ka.every(
    (k) =>
      Object.hasOwn(b as object, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
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

/** What a store can hold beyond plain JSON's rules (see `StoreSchema`). */
export interface JsonLimits {
  /** Deepest path to a scalar, counting segments from the record's root (default 64; objects and arrays one less). */
  readonly maxDepth?: number;
  readonly numberRange?: { readonly minAbs: number; readonly maxAbs: number };
  readonly noNulText?: boolean;
}

/** Default nesting limit of values (path segments from the record's root). */
export const DEFAULT_MAX_DEPTH = 64;

function invalid(
  message: string,
  reason: 'not_json' | 'too_deep' | 'out_of_range' | 'unsupported_value',
  at: readonly string[],
): never {
  throw new InvalidChangeError(`${message} at ${at.join('.') || '(root)'}`, { reason, path: at });
}

/**
 * Why a number cannot be stored under `limits`, or undefined.
 * @example
 * ```ts
 * numberProblem(1e200, { numberRange: { minAbs: 1e-130, maxAbs: 9.999999999999999e125 } }); // 'out_of_range'
 * ```
 */
export function numberProblem(n: number, limits: JsonLimits = {}): 'out_of_range' | undefined {
  if (!Number.isFinite(n)) return 'out_of_range';
  const r = limits.numberRange;
  const abs = Math.abs(n);
  return r && abs !== 0 && (abs < r.minAbs || abs > r.maxAbs) ? 'out_of_range' : undefined;
}

/**
 * Checks that `v` is JSON (finite numbers, well-formed strings, plain objects, arrays, no
 * `undefined`), nests no deeper than `limits.maxDepth` (64) counting `at`, holds only what
 * the store can hold (`limits`), and has no forbidden key (`__proto__`, `constructor`,
 * `prototype`) at any depth. Throws `InvalidChangeError` (`not_json` / `too_deep` /
 * `out_of_range` / `unsupported_value` / `forbidden_key` / `bad_path`) naming the path —
 * never a `RangeError`: the walk stops at the depth limit, so a cyclic or absurdly deep
 * value is refused before anything serialises it.
 * @example
 * ```ts
 * assertJson(JSON.parse('{"__proto__":{"admin":true}}'), ['profile']); // throws forbidden_key
 * ```
 */
export function assertJson(v: unknown, at: readonly string[] = [], limits: JsonLimits = {}): asserts v is JsonValue {
  walk(v, [...at], limits.maxDepth ?? DEFAULT_MAX_DEPTH, limits);
}

function walk(v: unknown, at: string[], maxDepth: number, limits: JsonLimits): void {
  // A scalar may sit `maxDepth` segments deep; an object or array (a level of its own) one less.
  const container = typeof v === 'object' && v !== null;
  if (at.length > maxDepth || (container && at.length >= maxDepth))
    invalid(`The value nests deeper than ${maxDepth} levels`, 'too_deep', at.slice(0, maxDepth + 1));
  if (v === null || typeof v === 'boolean') return;
  if (typeof v === 'string') {
    if (LONE_SURROGATE.test(v)) invalid('A string with a lone surrogate is not Unicode text', 'not_json', at);
    if (limits.noNulText && v.includes('\u0000'))
      invalid('This store cannot hold U+0000 in text', 'unsupported_value', at);
    return;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) invalid('Not a finite number', 'not_json', at);
    if (numberProblem(v, limits)) invalid(`The number ${v} is outside what this store can hold`, 'out_of_range', at);
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      at.push(String(i));
      walk(v[i], at, maxDepth, limits);
      at.pop();
    }
    return;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      const problem = keyProblem(k);
      if (problem) {
        throw new InvalidChangeError(
          problem === 'forbidden_key' ? `The key "${k}" is not allowed` : `The key ${JSON.stringify(k)} is not valid`,
          {
            reason: problem,
            path: [...at, k],
          },
        );
      }
      at.push(k);
      walk(v[k], at, maxDepth, limits);
      at.pop();
    }
    return;
  }
  invalid('Not a JSON value', 'not_json', at);
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
