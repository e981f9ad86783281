import { isPlainObject } from './json.js';
import type { NormalOp } from './ops.js';

/**
 * Expands a merge at the root into one op per column, as RFC 7396 applies a merge patch
 * field by field: `null` unsets the column, an object merges into a JSON column, anything
 * else sets the column. Column stores (SQLite, PostgreSQL) write a row column by column;
 * every other op passes through unchanged.
 * @example
 * ```ts
 * expandRootMerge([{ op: 'merge', path: [], value: { plan: 'pro', env: { A: '1' }, note: null } }], (c) => c === 'env');
 * // [{ op: 'set', path: ['plan'], value: 'pro' }, { op: 'merge', path: ['env'], value: { A: '1' } },
 * //  { op: 'unset', path: ['note'] }]
 * ```
 */
export function expandRootMerge(ops: readonly NormalOp[], isJsonColumn: (column: string) => boolean): NormalOp[] {
  return ops.flatMap((op): NormalOp[] => {
    if (op.op !== 'merge' || op.path.length > 0) return [op];
    return Object.entries(op.value).map(([k, v]): NormalOp => {
      if (v === null) return { op: 'unset', path: [k] };
      if (isPlainObject(v) && isJsonColumn(k)) return { op: 'merge', path: [k], value: v };
      return { op: 'set', path: [k], value: v };
    });
  });
}
