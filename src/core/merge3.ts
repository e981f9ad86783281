import { isPlainObject, jsonEqual } from './json.js';

/** A field changed on both sides, differently. */
export interface MergeConflict {
  readonly path: readonly string[];
  /** `undefined` means the field was absent on that side. */
  readonly base: unknown;
  readonly mine: unknown;
  readonly theirs: unknown;
}

/** The outcome of a three-way merge. */
export interface Merge3Result<T> {
  /** The merged value; for a conflicting field it holds `theirs` until resolved. */
  readonly value: T;
  readonly conflicts: readonly MergeConflict[];
}

function mergeAt(base: unknown, mine: unknown, theirs: unknown, path: string[], conflicts: MergeConflict[]): unknown {
  if (jsonEqual(mine, theirs)) return mine;
  if (jsonEqual(base, mine)) return theirs;
  if (jsonEqual(base, theirs)) return mine;
  if (isPlainObject(mine) && isPlainObject(theirs)) {
    const b = isPlainObject(base) ? base : {};
    const out: Record<string, unknown> = {};
    const keys = new Set([...Object.keys(b), ...Object.keys(mine), ...Object.keys(theirs)]);
    for (const k of keys) {
      const v = mergeAt(b[k], mine[k], theirs[k], [...path, k], conflicts);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  conflicts.push({ path, base, mine, theirs });
  return theirs;
}

/**
 * Field-level three-way merge of `mine` and `theirs`, both edited from `base`.
 * Objects merge key by key; anything else (scalars, arrays) is atomic. A field changed on
 * one side takes that side; changed identically on both, it is taken once; changed
 * differently on both, it is a conflict (listed, holding `theirs` until resolved).
 *
 * @example
 * ```ts
 * merge3({ a: 1, b: 1 }, { a: 2, b: 1 }, { a: 1, b: 3 }); // { value: { a: 2, b: 3 }, conflicts: [] }
 * merge3({ t: 'x' }, { t: 'mine' }, { t: 'theirs' }).conflicts; // [{ path: ['t'], base: 'x', mine: 'mine', theirs: 'theirs' }]
 * ```
 */
export function merge3<T>(base: T, mine: T, theirs: T): Merge3Result<T> {
  const conflicts: MergeConflict[] = [];
  const value = mergeAt(base, mine, theirs, [], conflicts) as T;
  return { value, conflicts };
}
