import { isPlainObject } from '../../core/json.js';
import type { NormalOp } from '../../core/ops.js';
import type { StoreSchema } from '../../core/store.js';
import type { JsonObject } from '../../core/types.js';
import type { DynExpr } from './dynamodb-expr.js';

/** One UpdateExpression's clauses and the conditions under which it equals `applyOps`. */
export interface OpsPlan {
  readonly set: string[];
  readonly remove: string[];
  /** Structural conditions on the current item (parents are maps, counters are numbers, set items absent). */
  readonly conditions: string[];
}

type Path = readonly string[];

const startsWith = (a: Path, prefix: Path) => prefix.length <= a.length && prefix.every((s, i) => a[i] === s);
const safe = (n: number | undefined) => n === undefined || Number.isSafeInteger(n);

/**
 * Compiles ops into ONE UpdateExpression plus the structural conditions under which it
 * means exactly what `applyOps` means (a parent is a map, a counter is a number, an item
 * is not yet in the list). When such a condition is false on the current item the write
 * fails atomically and the store rebases it on that item instead.
 *
 * Returns `undefined` when no single expression can agree with `applyOps`: `remove`
 * (DynamoDB removes list items by index only), `inc` by a non-integer (DynamoDB adds in
 * decimal, JavaScript in binary: 0.1 + 0.2 differ), a field with a byte cap (a condition
 * cannot measure a map), or ops whose paths overlap (DynamoDB refuses them, and a condition
 * sees only the item before the write).
 * @example
 * ```ts
 * planOps([merge(['env'], { A: '1' })], new DynExpr(), new Set()); // { set: ['#n0.#n1 = :v1'], conditions: ['attribute_type(#n0, :v0)'] }
 * ```
 */
export function planOps(
  ops: readonly NormalOp[],
  x: DynExpr,
  capped: ReadonlySet<string>,
  schema: StoreSchema = { keyFields: [], versionField: '' },
): OpsPlan | undefined {
  const plan: OpsPlan = { set: [], remove: [], conditions: [] };
  // Without a field list, an item's attributes are its schema: a write may change them but
  // not add one, so every top-level attribute a write gives a value must already hold one.
  const mustExist = (top: string) => {
    if (schema.fixedFields)
      plan.conditions.push(
        `(attribute_exists(${x.name(top)}) AND NOT attribute_type(${x.name(top)}, ${x.constant('NULL')}))`,
      );
  };
  // An object or list written whole into a scalar attribute is refused, after the item's
  // existence, version and guards: computed on the item instead (explainFailure says why).
  const scalarOnly = (top: string, v: unknown) =>
    v !== null && typeof v === 'object' && !!schema.jsonFields && !schema.jsonFields.includes(top);
  const writes: { path: Path; op: number }[] = [];
  const reads: { path: Path; op: number }[] = [];
  let op = 0;
  const write = (path: Path) => void writes.push({ path, op });
  const requireMap = (path: Path) => {
    reads.push({ path, op });
    plan.conditions.push(`attribute_type(${x.path(path)}, ${x.constant('M')})`);
  };
  const parentIsMap = (path: Path) => {
    if (path.length > 1) requireMap(path.slice(0, -1));
  };
  const mergeInto = (target: Path, patch: JsonObject) => {
    requireMap(target);
    for (const [k, v] of Object.entries(patch)) {
      const path = [...target, k];
      if (v === null) {
        plan.remove.push(x.path(path));
        write(path);
      } else if (isPlainObject(v)) {
        mergeInto(path, v);
      } else {
        plan.set.push(`${x.path(path)} = ${x.json(v)}`);
        write(path);
      }
    }
  };

  for (const o of ops) {
    const top = o.path[0];
    if (top !== undefined && capped.has(top)) return undefined;
    const p = () => x.path(o.path);
    switch (o.op) {
      case 'set':
        if (o.path.length === 1 && scalarOnly(top as string, o.value)) return undefined;
        parentIsMap(o.path);
        if (o.value === null && o.path.length === 1) plan.remove.push(p());
        else {
          if (o.path.length === 1) mustExist(top as string);
          plan.set.push(`${p()} = ${x.json(o.value)}`);
        }
        write(o.path);
        break;
      case 'unset':
        parentIsMap(o.path);
        plan.remove.push(p());
        write(o.path);
        break;
      case 'inc': {
        const lo = o.min === undefined ? undefined : o.min - o.by;
        const hi = o.max === undefined ? undefined : o.max - o.by;
        if (!safe(o.by) || !safe(o.min) || !safe(o.max) || !safe(lo) || !safe(hi)) return undefined;
        parentIsMap(o.path);
        reads.push({ path: o.path, op });
        const typed = [`attribute_type(${p()}, ${x.constant('N')})`];
        if (lo !== undefined) typed.push(`${p()} >= ${x.json(lo)}`);
        if (hi !== undefined) typed.push(`${p()} <= ${x.json(hi)}`);
        // A missing counter counts as 0: allowed only when 0 + by is within the bounds.
        const fromZero =
          (o.min === undefined || o.by >= o.min) &&
          (o.max === undefined || o.by <= o.max) &&
          !(schema.fixedFields && o.path.length === 1);
        plan.conditions.push(
          fromZero ? `(attribute_not_exists(${p()}) OR (${typed.join(' AND ')}))` : `(${typed.join(' AND ')})`,
        );
        plan.set.push(`${p()} = if_not_exists(${p()}, ${x.constant(0)}) + ${x.json(o.by)}`);
        write(o.path);
        break;
      }
      case 'merge':
        if (o.path.length > 0) {
          mergeInto(o.path, o.value);
          break;
        }
        for (const [k, v] of Object.entries(o.value)) {
          if (capped.has(k) || scalarOnly(k, v)) return undefined;
          if (v === null) {
            plan.remove.push(x.path([k]));
            write([k]);
          } else if (isPlainObject(v)) mergeInto([k], v);
          else {
            mustExist(k);
            plan.set.push(`${x.path([k])} = ${x.json(v)}`);
            write([k]);
          }
        }
        break;
      case 'add': {
        parentIsMap(o.path);
        reads.push({ path: o.path, op });
        const appendable = `(attribute_type(${p()}, ${x.constant('L')}) AND NOT contains(${p()}, ${x.json(o.value)}))`;
        plan.conditions.push(
          schema.fixedFields && o.path.length === 1 ? appendable : `(attribute_not_exists(${p()}) OR ${appendable})`,
        );
        plan.set.push(`${p()} = list_append(if_not_exists(${p()}, ${x.constant([])}), ${x.json([o.value])})`);
        write(o.path);
        break;
      }
      case 'remove':
        return undefined;
    }
    op++;
  }
  // Two writes may not overlap; a write may not touch what another op's condition reads
  // (the condition sees the item before every op).
  for (let i = 0; i < writes.length; i++)
    for (let j = i + 1; j < writes.length; j++) {
      const a = writes[i]!.path;
      const b = writes[j]!.path;
      if (startsWith(a, b) || startsWith(b, a)) return undefined;
    }
  for (const w of writes) for (const r of reads) if (r.op !== w.op && startsWith(r.path, w.path)) return undefined;
  return plan;
}
