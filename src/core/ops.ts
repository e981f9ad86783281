import type { Path } from './path.js';
import type { JsonObject, JsonValue } from './types.js';

/** An item of an array used as a set: a string, number or boolean. */
export type SetItem = string | number | boolean;

/** Bounds for `inc`: the write fails with `GuardError` if the result would leave them. */
export interface IncBounds {
  readonly min?: number;
  readonly max?: number;
}

/**
 * One change to a record, as plain JSON (so it can travel over HTTP, be logged and be
 * replayed). `applyOps` defines the meaning; every store's pushdown agrees with it.
 *
 * - `set`: write `value` at `path`, creating missing parent objects; a parent that is not
 *   an object is a type mismatch.
 * - `unset`: remove the key (at the top level: make the field null); missing is a no-op.
 * - `inc`: add `by` to a number (missing counts as 0); a non-number is a type mismatch;
 *   a result outside `min`/`max` fails the write with `GuardError`.
 * - `merge`: RFC 7396 JSON merge patch of `value` (an object) into the object at `path`
 *   (a non-object target is replaced by `{}` first, as the RFC says); `null` members
 *   delete. An empty path merges into the top-level fields.
 * - `add` / `remove`: treat the array at `path` as a set of scalars: `add` appends when
 *   absent (missing array counts as `[]`), `remove` drops every equal item.
 */
export type Op =
  | { readonly op: 'set'; readonly path: Path; readonly value: JsonValue }
  | { readonly op: 'unset'; readonly path: Path }
  | { readonly op: 'inc'; readonly path: Path; readonly by: number; readonly min?: number; readonly max?: number }
  | { readonly op: 'merge'; readonly path: Path; readonly value: JsonObject }
  | { readonly op: 'add'; readonly path: Path; readonly value: SetItem }
  | { readonly op: 'remove'; readonly path: Path; readonly value: SetItem };

/** An op after validation: the path parsed into segments. What stores receive. */
export type NormalOp =
  | { readonly op: 'set'; readonly path: readonly string[]; readonly value: JsonValue }
  | { readonly op: 'unset'; readonly path: readonly string[] }
  | {
      readonly op: 'inc';
      readonly path: readonly string[];
      readonly by: number;
      readonly min?: number;
      readonly max?: number;
    }
  | { readonly op: 'merge'; readonly path: readonly string[]; readonly value: JsonObject }
  | { readonly op: 'add'; readonly path: readonly string[]; readonly value: SetItem }
  | { readonly op: 'remove'; readonly path: readonly string[]; readonly value: SetItem };

/**
 * Writes a value at a path.
 * @example
 * ```ts
 * await products.apply(id, [set('metadata.primary_mirror', 'https://m1.example')]);
 * ```
 */
export function set(path: Path, value: JsonValue): Op {
  return { op: 'set', path, value };
}

/**
 * Removes a key (a top-level field becomes null).
 * @example
 * ```ts
 * await stacks.apply(slug, [unset(['env_vars', 'DEBUG'])]);
 * ```
 */
export function unset(path: Path): Op {
  return { op: 'unset', path };
}

/**
 * Adds `by` to a number, optionally bounded.
 * @example
 * ```ts
 * await accounts.apply(id, [inc('balance', -25, { min: 0 })]); // GuardError if it would go negative
 * ```
 */
export function inc(path: Path, by: number, bounds: IncBounds = {}): Op {
  return {
    op: 'inc',
    path,
    by,
    ...(bounds.min === undefined ? {} : { min: bounds.min }),
    ...(bounds.max === undefined ? {} : { max: bounds.max }),
  };
}

/**
 * RFC 7396 merge patch into the object at `path` (`''` for the top-level fields).
 * @example
 * ```ts
 * await stacks.apply(slug, [merge('env_vars', { API_URL: 'https://x', OLD_FLAG: null })]);
 * ```
 */
export function merge(path: Path, value: JsonObject): Op {
  return { op: 'merge', path, value };
}

/**
 * Adds a scalar to an array used as a set (no duplicates).
 * @example
 * ```ts
 * await products.apply(id, [add('metadata.mirrors', 'https://m2.example')]);
 * ```
 */
export function add(path: Path, value: SetItem): Op {
  return { op: 'add', path, value };
}

/**
 * Removes every equal scalar from an array used as a set.
 * @example
 * ```ts
 * await products.apply(id, [remove('metadata.mirrors', 'https://m2.example')]);
 * ```
 */
export function remove(path: Path, value: SetItem): Op {
  return { op: 'remove', path, value };
}
