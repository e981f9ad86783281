import type { Guard } from './guards.js';
import { isPlainObject } from './json.js';

/**
 * Reads the value at a path; missing, or reached through a non-object, is `undefined`.
 * @example
 * ```ts
 * readPath({ meta: { owner: 'ann' } }, ['meta', 'owner']); // 'ann'
 * ```
 */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const k of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[k];
  }
  return node;
}

function ordered(a: unknown, b: unknown): -1 | 0 | 1 | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
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
