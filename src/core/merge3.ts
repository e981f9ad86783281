import { isPlainObject, jsonEqual } from './json.js';
import { FORBIDDEN_KEYS } from './path.js';

/** A field changed on both sides, differently. */
export interface MergeConflict {
  /**
   * Where: object keys, and for an element of an identity list its {@link elementSegment}
   * (`['sections', '{"id":"s1"}', 'title']`). `path.join('.')` keys a resolution.
   */
  readonly path: readonly string[];
  /** `undefined` means the field (or list element) was absent on that side. */
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

/** Options of {@link merge3}. */
export interface Merge3Options {
  /**
   * The identity field of the lists at some paths, or `false` to merge a list as one value.
   * Keys are dotted paths where `*` stands for "any element of an identity list"
   * (`{ sections: 'key', 'sections.*.blocks': 'blockId' }`). A list not named here is an
   * identity list on `id` when every element is an object with a unique string/number `id`.
   */
  readonly identity?: Readonly<Record<string, string | false>>;
}

type Id = string | number;
type Obj = Record<string, unknown>;

/**
 * The path segment naming the element of an identity list whose `field` is `id`: JSON
 * text, which always holds a `"` — a character no noclobber path key may contain, so it
 * can never be mistaken for an object key.
 * @example
 * ```ts
 * elementSegment('id', 's1'); // '{"id":"s1"}'
 * ```
 */
export function elementSegment(field: string, id: Id): string {
  return JSON.stringify({ [field]: id });
}

/**
 * The identity an {@link elementSegment} names, or `undefined` for an ordinary key.
 * @example
 * ```ts
 * parseElementSegment('{"id":"s1"}'); // { field: 'id', id: 's1' }
 * ```
 */
export function parseElementSegment(segment: string): { field: string; id: Id } | undefined {
  if (!segment.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(segment);
    const entries = isPlainObject(parsed) ? Object.entries(parsed) : [];
    const [field, id] = entries[0] ?? [];
    return entries.length === 1 && (typeof id === 'string' || typeof id === 'number')
      ? { field: field as string, id }
      : undefined;
  } catch {
    return undefined;
  }
}

/** A deep copy without own `__proto__` / `constructor` / `prototype` keys (hostile parsed JSON). */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (isPlainObject(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v)) if (!FORBIDDEN_KEYS.has(k)) out[k] = clean(v[k]);
    return out;
  }
  return v;
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Elements by identity, or undefined when the list is not an identity list on `field`. */
function byId(list: readonly unknown[], field: string): Map<Id, Obj> | undefined {
  const out = new Map<Id, Obj>();
  for (const e of list) {
    if (!isPlainObject(e)) return undefined;
    const id = e[field];
    if ((typeof id !== 'string' && typeof id !== 'number') || out.has(id)) return undefined;
    out.set(id, e);
  }
  return out;
}

class Merger {
  readonly conflicts: MergeConflict[] = [];
  readonly #identity: Readonly<Record<string, string | false>>;

  constructor(options: Merge3Options) {
    this.#identity = options.identity ?? {};
  }

  merge(base: unknown, mine: unknown, theirs: unknown, path: string[], pattern: string[]): unknown {
    if (jsonEqual(mine, theirs)) return mine;
    if (jsonEqual(base, mine)) return theirs;
    if (jsonEqual(base, theirs)) return mine;
    if (isPlainObject(mine) && isPlainObject(theirs))
      return this.#objects(isPlainObject(base) ? base : {}, mine, theirs, path, pattern);
    if (Array.isArray(mine) && Array.isArray(theirs)) {
      const b = Array.isArray(base) ? base : [];
      const merged = this.#lists(b, mine, theirs, path, pattern);
      if (merged) return merged;
    }
    this.conflicts.push({ path, base, mine, theirs });
    return theirs;
  }

  #objects(b: Obj, mine: Obj, theirs: Obj, path: string[], pattern: string[]): Obj {
    const out: Obj = {};
    for (const k of new Set([...Object.keys(b), ...Object.keys(mine), ...Object.keys(theirs)])) {
      const v = this.merge(b[k], mine[k], theirs[k], [...path, k], [...pattern, k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  /** A list merged element by element (identity list) or as a set (scalars); undefined: atomic. */
  #lists(b: unknown[], mine: unknown[], theirs: unknown[], path: string[], pattern: string[]): unknown[] | undefined {
    const configured = this.#identity[pattern.join('.')];
    if (configured === false) return undefined;
    const all = [...b, ...mine, ...theirs];
    if (configured === undefined && all.every(isScalar)) return setMerge(b, mine, theirs);
    const field = configured ?? 'id';
    const [B, M, T] = [byId(b, field), byId(mine, field), byId(theirs, field)];
    if (!B || !M || !T) return undefined;
    const merged = new Map<Id, unknown>();
    for (const id of new Set([...B.keys(), ...M.keys(), ...T.keys()])) {
      const at = [...path, elementSegment(field, id)];
      const v = this.merge(B.get(id), M.get(id), T.get(id), at, [...pattern, '*']);
      if (v !== undefined) merged.set(id, v);
    }
    return order(B, M, T, merged);
  }
}

/** Scalars as a set: both sides' additions and removals (duplicates collapse). */
function setMerge(b: unknown[], mine: unknown[], theirs: unknown[]): unknown[] {
  const removed = new Set(b.filter((x) => !mine.includes(x) || !theirs.includes(x)));
  const out: unknown[] = [];
  for (const x of [...theirs, ...mine]) if (!removed.has(x) && !out.includes(x)) out.push(x);
  return out;
}

/** The ids present in all three lists, in `list`'s order. */
const common = (list: Map<Id, Obj>, a: Map<Id, Obj>, b: Map<Id, Obj>) =>
  [...list.keys()].filter((id) => a.has(id) && b.has(id));
const sameOrder = (a: Id[], b: Id[]) => a.every((x, i) => x === b[i]);

/**
 * The merged elements in order: the order of the side that reordered the elements all three
 * share (theirs when both or neither did), with the other side's additions placed before
 * their nearest successor there (appends stay at the end).
 */
function order(B: Map<Id, Obj>, M: Map<Id, Obj>, T: Map<Id, Obj>, merged: Map<Id, unknown>): unknown[] {
  const baseOrder = common(B, M, T);
  const mineReordered = !sameOrder(common(M, B, T), baseOrder);
  const theirsReordered = !sameOrder(common(T, B, M), baseOrder);
  const [primary, secondary] = mineReordered && !theirsReordered ? [M, T] : [T, M];
  const ids = [...primary.keys()].filter((id) => merged.has(id));
  let before = ids.length;
  for (const id of [...secondary.keys()].reverse()) {
    const at = ids.indexOf(id);
    if (at >= 0) before = at;
    else if (merged.has(id)) ids.splice(before, 0, id);
  }
  return ids.map((id) => merged.get(id));
}

/**
 * Three-way merge of `mine` and `theirs`, both edited from `base`. Objects merge key by
 * key; lists of objects with an identity (`id`, or per path in `options.identity`) merge
 * element by element, so concurrent appends, removals and edits of different elements all
 * survive; lists of scalars merge as sets; anything else is atomic. A field changed on one
 * side takes that side; changed identically on both, it is taken once; changed
 * differently on both (or an element edited on one side and removed on the other), it is
 * a conflict, listed and holding `theirs` until resolved. Own `__proto__` /
 * `constructor` / `prototype` keys (from parsed JSON) are ignored on every side.
 *
 * @example
 * ```ts
 * merge3({ a: 1, b: 1 }, { a: 2, b: 1 }, { a: 1, b: 3 }); // { value: { a: 2, b: 3 }, conflicts: [] }
 * merge3({ l: [{ id: 1 }] }, { l: [{ id: 1 }, { id: 2 }] }, { l: [{ id: 1 }, { id: 3 }] }).value; // { l: [{ id: 1 }, { id: 3 }, { id: 2 }] }
 * merge3({ t: 'x' }, { t: 'mine' }, { t: 'theirs' }).conflicts; // [{ path: ['t'], base: 'x', mine: 'mine', theirs: 'theirs' }]
 * ```
 */
export function merge3<T>(base: T, mine: T, theirs: T, options: Merge3Options = {}): Merge3Result<T> {
  const merger = new Merger(options);
  const value = merger.merge(clean(base), clean(mine), clean(theirs), [], []) as T;
  return { value, conflicts: merger.conflicts };
}
