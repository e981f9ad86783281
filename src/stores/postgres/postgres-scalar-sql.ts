import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import type { NormalOp } from '../../core/ops.js';
import type { PgParams } from './postgres-sql.js';
import type { PgColumn } from './postgres-table.js';

/** One step of the op chain: the column's next value, computed only while `check` held. */
export type Step = (expr: string, check?: string) => void;

/**
 * A float8 sum that cannot raise: PostgreSQL's float8 `+` fails with 22003 where
 * JavaScript's overflows to Infinity, so the sum is computed only when `finite` holds.
 * Two addends under MAX/2 cannot overflow, nor can one under 1; otherwise halving both is
 * exact (neither is tiny, so `* 0.5` cannot underflow, which PostgreSQL would also raise)
 * and `a/2 + b/2` exceeds `MAX / 2` exactly when `a + b` rounds to infinity.
 * @example
 * ```ts
 * const { n, finite } = floatSum('coalesce(s0.c0, 0)', 1, params); // n: '(coalesce(s0.c0, 0) + $1::float8)'
 * ```
 */
export function floatSum(a: string, by: number, p: PgParams): { n: string; finite: string } {
  const b = p.add(by, 'float8');
  const half = p.add(Number.MAX_VALUE / 2, 'float8');
  const finite = `CASE WHEN abs(${a}) < ${half} AND abs(${b}) < ${half} THEN true WHEN abs(${a}) < 1 OR abs(${b}) < 1 THEN true ELSE abs(${a} * 0.5 + ${b} * 0.5) <= ${half} END`;
  return { n: `(${a} + ${b})`, finite };
}

/** A check that evaluates `rest` only when `first` held (AND has no evaluation order in SQL).  * @example
 * ```ts
 * andThen('a IS NOT NULL', ['a > 1']); // 'CASE WHEN a IS NOT NULL THEN a > 1 ELSE false END'
 * ```
 */
export function andThen(first: string, rest: readonly string[]): string {
  return rest.length ? `CASE WHEN ${first} THEN ${rest.join(' AND ')} ELSE false END` : first;
}

/**
 * @example
 * ```ts
 * bounds('n', { min: 0 }, params); // ['n >= $1::float8']
 * ```
 */
export function bounds(n: string, op: { min?: number; max?: number }, p: PgParams, cast = 'float8'): string[] {
  return [
    ...(op.min === undefined ? [] : [`${n} >= ${p.add(op.min, cast)}`]),
    ...(op.max === undefined ? [] : [`${n} <= ${p.add(op.max, cast)}`]),
  ];
}

/** A column's value the step cannot hold (a string set into an integer column), known statically. */
export interface Misfit {
  has(): boolean;
  get(): unknown;
  set(v: unknown): void;
  clear(): void;
}

/**
 * The misfit of one column (by its alias) in the planner's map.
 * @example
 * ```ts
 * const misfit = scalarState(new Map(), 'c0'); misfit.set('x'); misfit.has(); // true
 * ```
 */
export function scalarState(misfits: Map<string, unknown>, alias: string): Misfit {
  return {
    has: () => misfits.has(alias),
    get: () => misfits.get(alias),
    set: (v) => void misfits.set(alias, v),
    clear: () => void misfits.delete(alias),
  };
}

/** The type a scalar column's value is computed in (undefined: its own). */
export const STEP_TYPE: Readonly<Record<PgColumn['kind'], string | undefined>> = {
  integer: 'float8',
  number: 'float8',
  string: 'text',
  boolean: undefined,
  other: 'text',
};

/** Whether a step of this column can hold `v` (numbers any double, strings any text). */
function representable(column: PgColumn, v: unknown): boolean {
  if (v === null) return true;
  if (column.kind === 'integer' || column.kind === 'number') return typeof v === 'number';
  if (column.kind === 'string') return typeof v === 'string';
  if (column.kind === 'boolean') return typeof v === 'boolean';
  return typeof v === 'string' || typeof v === 'number';
}

function bindStep(column: PgColumn, v: unknown, p: PgParams): string {
  const type = STEP_TYPE[column.kind];
  return type ? p.add(column.kind === 'other' && v !== null ? String(v) : v, type) : p.add(v, column.type);
}

/**
 * The final step value in the column's own type (float8 → numeric through text keeps
 * JavaScript's shortest form). Text is assigned, not cast: an explicit cast to varchar(n)
 * would truncate silently, an assignment refuses a value that is too long.
 * @example
 * ```ts
 * castBack(int4Column, 's3.c0'); // 's3.c0::integer'
 * ```
 */
export function castBack(column: PgColumn, F: string): string {
  if (column.json || !STEP_TYPE[column.kind] || column.type === 'double precision' || column.kind === 'string')
    return F;
  return column.type === 'numeric' ? `${F}::text::numeric` : `${F}::${column.type}`;
}

/** SQL: the final value fits the column (an integer within its range, a float4 within float4's).  * @example
 * ```ts
 * finalFits(int4Column, 's3.c0', params); // ['coalesce(s3.c0 = trunc(s3.c0) AND s3.c0 >= $1::float8 AND s3.c0 <= $2::float8, true)']
 * ```
 */
export function finalFits(column: PgColumn, F: string, p: PgParams): string[] {
  const t = column.fieldType;
  const checks = [
    ...(column.kind === 'integer' ? [`${F} = trunc(${F})`] : []),
    ...(t.min === undefined ? [] : [`${F} >= ${p.add(t.min, 'float8')}`]),
    ...(t.max === undefined ? [] : [`${F} <= ${p.add(t.max, 'float8')}`]),
  ];
  return checks.length ? [`coalesce(${checks.join(' AND ')}, true)`] : [];
}

/**
 * One op on a non-jsonb column as a step of the chain. The value is computed in the
 * column's step type (float8 for numbers, as JavaScript adds); whether it fits the column
 * is checked once, on the final value (`finalFits`).
 * @example
 * ```ts
 * planScalar(op, column, 's2.c0', params, step, scalarState(misfits, 'c0'));
 * ```
 */
export function planScalar(op: NormalOp, column: PgColumn, X: string, p: PgParams, step: Step, misfit: Misfit): void {
  switch (op.op) {
    case 'set':
      // A value of another kind cannot even be held in a step: remembered, so an inc on it
      // fails and a later set replaces it; left at the end, it fails the statement and
      // explainFailure says why — after existence, version and guards, as on every store.
      misfit.clear();
      if (representable(column, op.value)) step(bindStep(column, op.value, p));
      else {
        misfit.set(op.value);
        step(`NULL::${STEP_TYPE[column.kind] ?? column.type}`);
      }
      return;
    case 'unset':
      misfit.clear();
      step(`NULL::${STEP_TYPE[column.kind] ?? column.type}`);
      return;
    case 'inc': {
      if (misfit.has() || (column.kind !== 'integer' && column.kind !== 'number')) {
        incOutsideNumbers(op, column, X, step, misfit);
        return;
      }
      // In float8, as JavaScript adds: 1 + 1e-131 is 1, an integer, in both.
      const { n, finite } = floatSum(`coalesce(${X}, 0)`, op.by, p);
      step(n, andThen(finite, bounds(n, op, p)));
      return;
    }
    default:
      throw new InvalidChangeError(`${op.op} needs a jsonb column`, { reason: 'type_mismatch', path: op.path });
  }
}

/**
 * inc where the step holds no number: on a misfit (a string set into an integer column
 * earlier) or on a column of another kind, where only a NULL counts as 0. The sum is then
 * static, computed here as applyOps computes it, and stays a misfit until a set replaces it.
 */
function incOutsideNumbers(
  op: Extract<NormalOp, { op: 'inc' }>,
  column: PgColumn,
  X: string,
  step: Step,
  misfit: Misfit,
): void {
  const fresh = !misfit.has();
  const base = fresh ? 0 : misfit.get();
  const sum = typeof base === 'number' ? base + op.by : Number.NaN;
  const holds =
    Number.isFinite(sum) && (op.min === undefined || sum >= op.min) && (op.max === undefined || sum <= op.max);
  misfit.set(sum);
  if (column.kind === 'integer' || column.kind === 'number') step(`NULL::float8`, holds ? undefined : 'false');
  else step(`NULL::${STEP_TYPE[column.kind] ?? column.type}`, !holds ? 'false' : fresh ? `${X} IS NULL` : undefined);
}
