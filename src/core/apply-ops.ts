import { GuardError } from './errors/guard-error.js';
import { InvalidChangeError } from './errors/invalid-change-error.js';
import { cloneJson, isPlainObject } from './json.js';
import type { NormalOp, Op } from './ops.js';
import { formatPath, parsePath } from './path.js';
import type { JsonObject, JsonValue, Key } from './types.js';

type Obj = Record<string, unknown>;

/** An own property only: an `Object.prototype` member (`toString`, …) is an absent key like any other. */
function own(node: Obj, k: string): unknown {
  return Object.hasOwn(node, k) ? node[k] : undefined;
}

function mismatch(path: readonly string[], message: string): never {
  throw new InvalidChangeError(`${message} at ${formatPath(path)}`, { reason: 'type_mismatch', path });
}

/** Walks to the parent of `path`, creating missing or null parents as `{}`. */
function parentFor(root: Obj, path: readonly string[]): Obj {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i] as string;
    const next = own(node, k);
    if (next === undefined || next === null) node[k] = {};
    else if (!isPlainObject(next)) mismatch(path.slice(0, i + 1), 'Expected an object');
    node = node[k] as Obj;
  }
  return node;
}

/** Walks to the parent of `path` without creating anything; undefined when absent. */
function existingParent(root: Obj, path: readonly string[]): Obj | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (!isPlainObject(node)) return undefined;
    node = own(node, path[i] as string);
  }
  return isPlainObject(node) ? node : undefined;
}

/**
 * RFC 7396 JSON merge patch.
 * @example
 * ```ts
 * mergePatch({ a: 1, b: { c: 2 } }, { b: { c: null, d: 3 } }); // { a: 1, b: { d: 3 } }
 * ```
 */
export function mergePatch(target: unknown, patch: JsonValue): JsonValue {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const out: JsonObject = isPlainObject(target) ? { ...(target as JsonObject) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(own(out, k), v);
  }
  return out;
}

function last(path: readonly string[]): string {
  return path[path.length - 1] as string;
}

function applyOne(root: Obj, op: NormalOp, key: Key): void {
  const { path } = op;
  switch (op.op) {
    case 'set':
      parentFor(root, path)[last(path)] = cloneJson(op.value);
      return;
    case 'unset': {
      const parent = existingParent(root, path);
      if (parent) delete parent[last(path)];
      return;
    }
    case 'inc': {
      const parent = parentFor(root, path);
      const cur = own(parent, last(path));
      if (cur !== undefined && cur !== null && typeof cur !== 'number') mismatch(path, 'inc needs a number');
      const result = ((cur as number | null | undefined) ?? 0) + op.by;
      if (!Number.isFinite(result)) {
        throw new InvalidChangeError(`inc would take ${formatPath(path)} beyond the largest JSON number`, {
          reason: 'out_of_range',
          path,
        });
      }
      if (op.min !== undefined && result < op.min) {
        throw new GuardError(`inc would take ${formatPath(path)} to ${result}, below its minimum ${op.min}`, {
          key,
          guard: { path, op: 'gte', value: op.min },
          actual: result,
        });
      }
      if (op.max !== undefined && result > op.max) {
        throw new GuardError(`inc would take ${formatPath(path)} to ${result}, above its maximum ${op.max}`, {
          key,
          guard: { path, op: 'lte', value: op.max },
          actual: result,
        });
      }
      parent[last(path)] = result;
      return;
    }
    case 'merge': {
      if (path.length === 0) {
        for (const [k, v] of Object.entries(op.value)) {
          if (v === null) delete root[k];
          else root[k] = mergePatch(own(root, k), v);
        }
        return;
      }
      const parent = parentFor(root, path);
      parent[last(path)] = mergePatch(own(parent, last(path)), op.value);
      return;
    }
    case 'add': {
      const parent = parentFor(root, path);
      const cur = own(parent, last(path));
      if (cur === undefined || cur === null) parent[last(path)] = [op.value];
      else if (!Array.isArray(cur)) mismatch(path, 'add needs an array');
      else if (!cur.some((x) => x === op.value)) parent[last(path)] = [...cur, op.value];
      return;
    }
    case 'remove': {
      const parent = existingParent(root, path);
      const cur = parent && own(parent, last(path));
      if (cur === undefined || cur === null || !parent) return;
      if (!Array.isArray(cur)) mismatch(path, 'remove needs an array');
      parent[last(path)] = cur.filter((x) => x !== op.value);
      return;
    }
  }
}

function parseOps(ops: readonly (Op | NormalOp)[]): NormalOp[] {
  return ops.map((o) =>
    Array.isArray(o.path)
      ? (o as NormalOp)
      : ({ ...o, path: parsePath(o.path, { allowRoot: o.op === 'merge' }) } as NormalOp),
  );
}

/**
 * The meaning of ops, as one pure function: returns a new value with `ops` applied in
 * order to `value` (which is not modified). Throws `InvalidChangeError` for a type
 * mismatch, `InvalidChangeError('out_of_range')` for an `inc` whose result is not a finite
 * number, and `GuardError` for an `inc` out of bounds. Paths name own properties only. Every store's pushdown must
 * produce exactly this (the conformance suite checks). At the top level a removed field
 * is absent; stores report it as null, which means the same.
 *
 * @example
 * ```ts
 * applyOps({ n: 1, tags: ['a'] }, [inc('n', 2), add('tags', 'b')]); // { n: 3, tags: ['a', 'b'] }
 * ```
 */
export function applyOps<T extends object>(value: T, ops: readonly (Op | NormalOp)[], options: { key?: Key } = {}): T {
  const root = cloneJson(value) as Obj;
  const key = options.key ?? '';
  for (const op of parseOps(ops)) applyOne(root, op, key);
  return root as T;
}
