import { expandRootMerge } from '../../core/expand-root-merge.js';
import { isPlainObject } from '../../core/json.js';
import type { NormalOp } from '../../core/ops.js';
import type { JsonObject } from '../../core/types.js';
import {
  andThen,
  bounds,
  castBack,
  finalFits,
  floatSum,
  planScalar,
  STEP_TYPE,
  type Step,
  scalarState,
} from './postgres-scalar-sql.js';
import { ident, objectify, type PgParams, typeOf } from './postgres-sql.js';
import type { PgColumn } from './postgres-table.js';

/** The pushed-down form of an op list. */
export interface PgOpsPlan {
  /** The SET list (without the version). */
  readonly set: string;
  /** A boolean SQL expression for the WHERE: every type check, bound and cap held. */
  readonly ok: string;
}

/** Containers along a path: the column value itself, then each proper prefix. */
function containers(X: string, rest: readonly string[], p: PgParams): string[] {
  return rest.map((_, i) => (i === 0 ? X : `${X} #> ${p.path(rest.slice(0, i))}`));
}

/** Sets `value` at `rest` inside X, creating missing or null parents as {} (bottom-up jsonb_set). */
function setAt(X: string, rest: readonly string[], value: string, p: PgParams): string {
  const boxes = containers(X, rest, p);
  let inner = value;
  for (let i = rest.length - 1; i >= 0; i--)
    inner = `jsonb_set(${objectify(boxes[i] as string)}, ${p.path([rest[i] as string])}, ${inner})`;
  return inner;
}

/** RFC 7396 at `rest` (empty = the column): one step per object of the patch. */
function mergeAt(
  X: () => string,
  rest: readonly string[],
  patch: JsonObject,
  p: PgParams,
  step: Step,
  checked: boolean,
): void {
  const target = rest.length === 0 ? X() : `${X()} #> ${p.path(rest)}`;
  const deletes = Object.keys(patch).filter((k) => patch[k] === null);
  const sets: JsonObject = {};
  for (const [k, v] of Object.entries(patch)) if (v !== null && !isPlainObject(v)) sets[k] = v;
  const merged = `((CASE WHEN jsonb_typeof(${target}) = 'object' THEN ${target} ELSE '{}'::jsonb END) - ${p.path(deletes)}) || ${p.json(sets)}`;
  if (rest.length === 0) step(merged);
  else step(setAt(X(), rest, merged, p), checked ? undefined : parentsCheck(X(), rest, p));
  for (const [k, v] of Object.entries(patch)) if (isPlainObject(v)) mergeAt(X, [...rest, k], v, p, step, true);
}

function parentsCheck(X: string, rest: readonly string[], p: PgParams): string {
  return containers(X, rest, p)
    .map((c) => `${typeOf(c)} IN ('object','null')`)
    .join(' AND ');
}

function allObjects(X: string, rest: readonly string[], p: PgParams): string {
  return containers(X, rest, p)
    .map((c) => `jsonb_typeof(${c}) = 'object'`)
    .join(' AND ');
}

/** Filters a jsonb array, keeping order, dropping every element equal to `item`. */
function without(array: string, item: string): string {
  return `coalesce((SELECT jsonb_agg(e ORDER BY i) FROM jsonb_array_elements(${array}) WITH ORDINALITY AS a(e, i) WHERE e <> ${item}), '[]'::jsonb)`;
}

/**
 * Plans ops as a chain of LATERAL steps inside a sub-select CORRELATED to the target row
 * (`t`). Correlation matters at READ COMMITTED: when the UPDATE waits for a row lock and
 * the row changes, PostgreSQL re-evaluates SET and WHERE on the new row version, so an
 * `inc` computed here is never computed from a stale copy. `OFFSET 0` keeps each step
 * from being inlined, so a step can use the previous value many times at no growth.
 * @example
 * ```ts
 * const plan = planOps(ops, columns, params, caps);
 * sql = `UPDATE t SET ${plan.set} WHERE … AND ${plan.ok}`;
 * ```
 */
export function planOps(
  rawOps: readonly NormalOp[],
  columns: ReadonlyMap<string, PgColumn>,
  p: PgParams,
  caps: Readonly<Record<string, number>>,
): PgOpsPlan | undefined {
  const ops = expandRootMerge(rawOps, (c) => columns.get(c)?.json === true);
  const aliases = new Map<string, string>();
  for (const op of ops) if (!aliases.has(op.path[0] as string)) aliases.set(op.path[0] as string, `c${aliases.size}`);
  if (aliases.size === 0) return undefined;
  const cols = [...aliases.entries()];
  const stepType = (c: string) => {
    const column = columns.get(c) as PgColumn;
    return column.json ? undefined : STEP_TYPE[column.kind];
  };
  // Scalar columns are computed in a step type every value of their kind fits (float8 for
  // numbers, text for strings), and cast back once the final value is known to fit.
  const froms = [
    `(SELECT ${cols.map(([c, a]) => `t.${ident(c)}${stepType(c) ? `::${stepType(c)}` : ''} AS ${a}`).join(', ')}, true AS ok OFFSET 0) s0`,
  ];
  const misfits = new Map<string, unknown>();
  let current = '';
  const ref = (a: string) => `s${froms.length - 1}.${a}`;
  // A step computes only while every check so far held: PostgreSQL raises an error for
  // jsonb_set on a scalar, so a failed check must keep the value instead of computing on it.
  const step: Step = (expr, check) => {
    const prev = `s${froms.length - 1}`;
    const holds = check ? `${prev}.ok AND coalesce((${check}), false)` : `${prev}.ok`;
    const list = cols.map(([, a]) =>
      a === current ? `CASE WHEN ${holds} THEN ${expr} ELSE ${prev}.${a} END AS ${a}` : `${prev}.${a} AS ${a}`,
    );
    froms.push(`LATERAL (SELECT ${list.join(', ')}, ${holds} AS ok OFFSET 0) s${froms.length}`);
  };
  for (const op of ops) {
    const [name, ...rest] = op.path as [string, ...string[]];
    const column = columns.get(name) as PgColumn;
    current = aliases.get(name) as string;
    const columnValue = () => ref(current);
    if (!column.json) planScalar(op, column, columnValue(), p, step, scalarState(misfits, current));
    else if (op.op === 'merge') mergeAt(columnValue, rest, op.value, p, step, false);
    else planJson(op, rest, columnValue(), p, step);
  }
  const last = `s${froms.length - 1}`;
  const chain = `FROM ${froms.join(' CROSS JOIN ')}`;
  const targets = cols.map(([c]) => ident(c));
  const values = cols.map(([c, a]) => castBack(columns.get(c) as PgColumn, `${last}.${a}`));
  // What a column may hold is a property of the result, as in explainFailure.
  const finals = cols.flatMap(([c, a]) => {
    const column = columns.get(c) as PgColumn;
    if (column.json) return [];
    return misfits.has(a) ? ['false'] : finalFits(column, `${last}.${a}`, p);
  });
  const set =
    cols.length === 1
      ? `${targets[0]} = (SELECT ${values[0]} ${chain})`
      : `(${targets.join(', ')}) = (SELECT ${values.join(', ')} ${chain})`;
  const capChecks = Object.entries(caps).flatMap(([c, limit]) =>
    aliases.has(c)
      ? [`coalesce(octet_length(${last}.${aliases.get(c)}::text) <= ${p.add(limit, 'integer')}, true)`]
      : [],
  );
  return { set, ok: `(SELECT ${[`${last}.ok`, ...finals, ...capChecks].join(' AND ')} ${chain})` };
}

function planJson(
  op: Exclude<NormalOp, { op: 'merge' }>,
  rest: readonly string[],
  X: string,
  p: PgParams,
  step: Step,
): void {
  // Built on demand: a placeholder created but left out of the SQL has no type and fails.
  const at = () => (rest.length === 0 ? X : `${X} #> ${p.path(rest)}`);
  const put = (v: string) => (rest.length === 0 ? v : setAt(X, rest, v, p));
  const parents = () => (rest.length === 0 ? 'true' : parentsCheck(X, rest, p));
  switch (op.op) {
    case 'set':
      step(put(p.json(op.value)), parents());
      return;
    case 'unset':
      step(
        rest.length === 0
          ? 'NULL::jsonb'
          : `CASE WHEN ${allObjects(X, rest, p)} THEN ${X} #- ${p.path(rest)} ELSE ${X} END`,
      );
      return;
    case 'inc': {
      const target = at();
      const { n, finite } = floatSum(
        `CASE WHEN jsonb_typeof(${target}) = 'number' THEN (${target})::float8 ELSE 0 END`,
        op.by,
        p,
      );
      step(
        put(`to_jsonb(${n})`),
        andThen(`${parents()} AND ${typeOf(target)} IN ('number','null')`, [andThen(finite, bounds(n, op, p))]),
      );
      return;
    }
    case 'add': {
      const item = p.json(op.value);
      const target = at();
      step(
        `CASE WHEN ${typeOf(target)} = 'null' THEN ${put(`jsonb_build_array(${item})`)} WHEN (${target}) @> jsonb_build_array(${item}) THEN ${X} ELSE ${put(`(${target}) || jsonb_build_array(${item})`)} END`,
        `${parents()} AND ${typeOf(target)} IN ('array','null')`,
      );
      return;
    }
    case 'remove': {
      const item = p.json(op.value);
      const target = at();
      const reachable = rest.length === 0 ? 'true' : allObjects(X, rest, p);
      step(
        `CASE WHEN ${reachable} AND jsonb_typeof(${target}) = 'array' THEN ${rest.length === 0 ? without(target, item) : `jsonb_set(${X}, ${p.path(rest)}, ${without(target, item)})`} ELSE ${X} END`,
        `NOT (${reachable} AND ${typeOf(target)} NOT IN ('array','null'))`,
      );
      return;
    }
  }
}
