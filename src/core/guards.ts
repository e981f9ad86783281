import type { JsonPrimitive } from './types.js';

/** Comparison a guard makes. */
export type GuardOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'exists' | 'absent';

/**
 * A condition on a field, checked in the same atomic step as the write (never in a
 * separate read). Plain JSON, so it can travel and be logged.
 *
 * Semantics (every store agrees, the conformance suite checks):
 * - a missing field, or one reached through a non-object, reads as `null`;
 * - `eq` / `ne` / `in` compare scalars strictly (`1` never equals `'1'`), `null` included:
 *   `ne('deleting')` holds for a missing status;
 * - `lt` / `lte` / `gt` / `gte` hold only when both sides are numbers, or both strings
 *   (compared by code point); anything else is false;
 * - `exists` holds for a non-null value, `absent` for null / missing.
 */
export interface Guard {
  readonly path: readonly string[];
  readonly op: GuardOp;
  /** A scalar for comparisons; an array of scalars for `in`; unused for exists/absent. */
  readonly value?: JsonPrimitive | readonly JsonPrimitive[];
}

/** Builds guards on one field. */
export interface FieldGuards {
  eq(value: JsonPrimitive): Guard;
  ne(value: JsonPrimitive): Guard;
  lt(value: number | string): Guard;
  lte(value: number | string): Guard;
  gt(value: number | string): Guard;
  gte(value: number | string): Guard;
  in(values: readonly JsonPrimitive[]): Guard;
  exists(): Guard;
  absent(): Guard;
}

/**
 * Starts a guard on a field (path as in ops: `'status'`, `'meta.owner'`).
 *
 * @example
 * ```ts
 * await stacks.apply(slug, [merge('env_vars', patch)], {
 *   expect: { where: [field('status').ne('deleting'), field('tenant_id').eq(me)] },
 * });
 * ```
 */
export function field(path: string | readonly string[]): FieldGuards {
  const p = typeof path === 'string' ? path.split('.') : [...path];
  const g = (op: GuardOp, value?: Guard['value']): Guard =>
    value === undefined ? { path: p, op } : { path: p, op, value };
  return {
    eq: (v) => g('eq', v),
    ne: (v) => g('ne', v),
    lt: (v) => g('lt', v),
    lte: (v) => g('lte', v),
    gt: (v) => g('gt', v),
    gte: (v) => g('gte', v),
    in: (vs) => g('in', [...vs]),
    exists: () => g('exists'),
    absent: () => g('absent'),
  };
}
