import type { Guard } from './guards.js';
import { isPlainObject } from './json.js';

/**
 * Reads the value at a path; missing, or reached through a non-object, is `undefined`.
 * Only own properties count: `toString`, `hasOwnProperty` and every other
 * `Object.prototype` member are ordinary keys, absent unless the record has them.
 * @example
 * ```ts
 * readPath({ meta: { owner: 'ann' } }, ['meta', 'owner']); // 'ann'
 * readPath({}, ['toString']);                              // undefined
 * ```
 */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const k of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, k)) return undefined;
    node = node[k];
  }
  return node;
}

/** Compares by Unicode code point — the order of UTF-8 bytes, which the databases use (C / BINARY collation). */
function byCodePoint(a: string, b: string): -1 | 0 | 1 {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort above every other BMP unit in code point order;
    // JavaScript's `<` compares UTF-16 units and would put them below U+E000–U+FFFF.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function ordered(a: unknown, b: unknown): -1 | 0 | 1 | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return byCodePoint(a, b);
  return undefined;
}

/**
 * Evaluates a guard against a record value, with the semantics every store implements
 * (see {@link Guard}).
 * @example
 * ```ts
 * evaluateGuard({ status: 'active' }, field('status').ne('deleting')); // true
 * evaluateGuard({}, field('status').ne('deleting'));                   // true (missing reads as null)
 * ```
 */
export function evaluateGuard(value: unknown, guard: Guard): boolean {
  const raw = readPath(value, guard.path);
  const actual = raw === undefined ? null : raw;
  const scalar = actual === null || typeof actual !== 'object';
  switch (guard.op) {
    case 'eq':
      return scalar && actual === guard.value;
    case 'ne':
      return !(scalar && actual === guard.value);
    case 'in':
      return scalar && Array.isArray(guard.value) && guard.value.includes(actual as never);
    case 'exists':
      return actual !== null;
    case 'absent':
      return actual === null;
    case 'lt':
      return ordered(actual, guard.value) === -1;
    case 'lte': {
      const c = ordered(actual, guard.value);
      return c === -1 || c === 0;
    }
    case 'gt':
      return ordered(actual, guard.value) === 1;
    case 'gte': {
      const c = ordered(actual, guard.value);
      return c === 1 || c === 0;
    }
  }
}
