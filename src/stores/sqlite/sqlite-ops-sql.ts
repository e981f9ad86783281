import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { expandRootMerge } from '../../core/expand-root-merge.js';
import type { NormalOp } from '../../core/ops.js';
import type { FieldType } from '../../core/store.js';
import { EACH_ELEMENT, ident, itemEquals, type Params } from './sqlite-sql.js';
import type { Affinity } from './sqlite-store-config.js';

/** What the planner knows of a column. */
export interface SqliteColumn {
  readonly name: string;
  readonly json: boolean;
  readonly affinity: Affinity;
}

/** The pushed-down form of an op list: CTE steps, SET clauses and the combined check. */
export interface OpsPlan {
  /** `WITH …` text (empty when no column is touched). */
  readonly with: string;
  /** `"col" = (SELECT cN FROM sK)` clauses. */
  readonly sets: readonly string[];
  /** True when every type check and bound held (use in WHERE). */
  readonly ok: string;
}

/**
 * The scalars a non-JSON column of this affinity holds without SQLite converting them
 * (5 into a TEXT column would read back as '5'; 2.5 into an INTEGER column as a REAL;
 * SQLite has no booleans). INTEGER columns hold the integers JavaScript carries exactly.
 * @example
 * ```ts
 * affinityType('text'); // { kind: 'string' }
 * ```
 */
export function affinityType(affinity: Affinity): FieldType {
  if (affinity === 'integer') return { kind: 'integer', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
  return { kind: affinity === 'text' ? 'string' : affinity === 'blob' ? 'scalar' : 'number' };
}

/**
 * Plans ops as a chain of MATERIALIZED CTE steps over the current row, so each step can
 * refer to the previous value several times without the SQL growing exponentially, and
 * the whole change is still ONE statement. Type mismatches and `inc` bounds become an
 * `ok` flag the UPDATE's WHERE requires, so nothing is written when one fails.
 *
 * @example
 * ```ts
 * const plan = planOps(ops, columns, params, `"id" = @p0`, '"docs"');
 * ```
 */
export function planOps(
  rawOps: readonly NormalOp[],
  columns: ReadonlyMap<string, SqliteColumn>,
  p: Params,
  keyWhere: string,
  table: string,
): OpsPlan {
  const ops = expandRootMerge(rawOps, (c) => columns.get(c)?.json === true);
  const aliases = new Map<string, string>();
  for (const op of ops) if (!aliases.has(op.path[0] as string)) aliases.set(op.path[0] as string, `c${aliases.size}`);
  if (aliases.size === 0) return { with: '', sets: [], ok: '1' };
  const steps: string[] = [];
  const cols = [...aliases.entries()];
  steps.push(
    `s0 AS MATERIALIZED (SELECT ${cols.map(([c, a]) => `${ident(c)} AS ${a}`).join(', ')}, 1 AS ok FROM ${table} WHERE ${keyWhere})`,
  );
  const step = (alias: string, expr: string, check?: string) => {
    const prev = `s${steps.length - 1}`;
    const list = cols.map(([, a]) => (a === alias ? `${expr} AS ${a}` : a));
    steps.push(
      `s${steps.length} AS MATERIALIZED (SELECT ${list.join(', ')}, ${check ? `(ok AND coalesce((${check}), 0))` : 'ok'} AS ok FROM ${prev})`,
    );
  };

  // A scalar column's value SQLite cannot even hold in a step (a boolean, an object): kept
  // here, so an inc on it fails and a later set replaces it, as in applyOps.
  const misfits = new Map<string, unknown>();
  for (const op of ops) {
    const [name, ...rest] = op.path as [string, ...string[]];
    const column = columns.get(name) as SqliteColumn;
    const X = aliases.get(name) as string;
    if (!column.json) {
      planScalarColumn(op, X, p, step, misfits);
      continue;
    }
    if (rest.length === 0) {
      planWholeJson(op, X, p, step);
      continue;
    }
    if (op.op !== 'unset' && op.op !== 'remove') {
      step(
        X,
        `CASE WHEN ${X} IS NULL OR json_type(${X}) = 'null' THEN '{}' ELSE ${X} END`,
        `${X} IS NULL OR json_type(${X}) IN ('object','null')`,
      );
      for (let i = 1; i < rest.length; i++) {
        const q = p.path(rest.slice(0, i));
        step(
          X,
          `CASE WHEN coalesce(json_type(${X}, ${q}), 'null') = 'null' THEN json_set(${X}, ${q}, json('{}')) ELSE ${X} END`,
          `coalesce(json_type(${X}, ${q}), 'null') IN ('object','null')`,
        );
      }
    }
    const at = p.path(rest);
    const type = `coalesce(json_type(${X}, ${at}), 'null')`;
    switch (op.op) {
      case 'set':
        step(X, `json_set(${X}, ${at}, ${p.json(op.value)})`);
        break;
      case 'unset':
        step(X, `json_remove(${X}, ${at})`);
        break;
      case 'inc': {
        const n = `(coalesce(json_extract(${X}, ${at}), 0) + ${p.add(op.by)})`;
        step(
          X,
          `json_set(${X}, ${at}, ${n})`,
          [`${type} IN ('integer','real','null')`, finite(n, p), ...bounds(n, op, p)].join(' AND '),
        );
        break;
      }
      case 'merge':
        step(
          X,
          `json_set(${X}, ${at}, json_patch(CASE WHEN json_type(${X}, ${at}) = 'object' THEN json_extract(${X}, ${at}) ELSE '{}' END, ${p.json(op.value)}))`,
        );
        break;
      case 'add': {
        const item = p.scalar(op.value);
        step(
          X,
          `CASE WHEN ${type} = 'null' THEN json_set(${X}, ${at}, json_array(${item})) WHEN EXISTS (SELECT 1 FROM json_each(${X}, ${at}) WHERE ${itemEquals(p, op.value)}) THEN ${X} ELSE json_insert(${X}, ${p.path(rest, '[#]')}, ${p.scalar(op.value)}) END`,
          `${type} IN ('array','null')`,
        );
        break;
      }
      case 'remove':
        step(
          X,
          `CASE WHEN json_type(${X}, ${at}) = 'array' THEN json_set(${X}, ${at}, json((SELECT json_group_array(${EACH_ELEMENT} ORDER BY key) FROM json_each(${X}, ${at}) WHERE NOT ${itemEquals(p, op.value)}))) ELSE ${X} END`,
          `${type} IN ('array','null')`,
        );
        break;
    }
  }
  const last = `s${steps.length - 1}`;
  // What a column may hold is a property of the result, as in explainFailure: checked on each
  // scalar column's final value, so `set('n', 'x'), set('n', 1)` is as valid as `set('n', 1)`.
  const finals = cols.flatMap(([c, a]) => {
    const column = columns.get(c) as SqliteColumn;
    if (column.json) return [];
    return misfits.has(a) ? ['0'] : [finalFits(column, `${last}.${a}`, p)];
  });
  return {
    with: `WITH ${steps.join(',\n')}`,
    sets: cols.map(([c, a]) => `${ident(c)} = (SELECT ${a} FROM ${last})`),
    ok: `(SELECT ${['ok', ...finals].join(' AND ')} FROM ${last})`,
  };
}

/** SQL: the final value `F` of a scalar column is one its affinity holds as it is (see `affinityType`). */
function finalFits(column: SqliteColumn, F: string, p: Params): string {
  const type = affinityType(column.affinity);
  const kinds =
    type.kind === 'string' ? "'text'" : type.kind === 'scalar' ? "'text','integer','real'" : "'integer','real'";
  const integer =
    type.kind === 'integer'
      ? ` AND ${F} = CAST(${F} AS INTEGER) AND abs(${F}) <= ${p.add(Number.MAX_SAFE_INTEGER)}`
      : '';
  return `(${F} IS NULL OR (typeof(${F}) IN (${kinds})${integer}))`;
}

type Step = (alias: string, expr: string, check?: string) => void;

/** SQLite's REAL arithmetic overflows to ±Inf where JavaScript's does; neither is a JSON number. */
function finite(n: string, p: Params): string {
  return `abs(${n}) <= ${p.add(Number.MAX_VALUE)}`;
}

function bounds(n: string, op: { min?: number; max?: number }, p: Params): string[] {
  return [
    ...(op.min === undefined ? [] : [`${n} >= ${p.add(op.min)}`]),
    ...(op.max === undefined ? [] : [`${n} <= ${p.add(op.max)}`]),
  ];
}

function planScalarColumn(op: NormalOp, X: string, p: Params, step: Step, misfits: Map<string, unknown>): void {
  switch (op.op) {
    case 'set':
      // Strings and numbers are held as they are and checked at the end; what cannot be bound is a misfit.
      misfits.delete(X);
      if (op.value === null || typeof op.value === 'string' || typeof op.value === 'number') step(X, p.add(op.value));
      else {
        misfits.set(X, op.value);
        step(X, 'NULL');
      }
      return;
    case 'unset':
      misfits.delete(X);
      step(X, 'NULL');
      return;
    case 'inc': {
      if (misfits.has(X)) {
        // inc of a boolean or an object: applyOps refuses it (type_mismatch).
        step(X, 'NULL', '0');
        return;
      }
      const n = `(coalesce(${X}, 0) + ${p.add(op.by)})`;
      step(X, n, [`typeof(${X}) IN ('integer','real','null')`, finite(n, p), ...bounds(n, op, p)].join(' AND '));
      return;
    }
    default:
      // normalizeOps already refuses merge/add/remove on scalar columns.
      throw new InvalidChangeError(`${op.op} needs a JSON column`, { reason: 'type_mismatch', path: op.path });
  }
}

function planWholeJson(op: NormalOp, X: string, p: Params, step: Step): void {
  const type = `coalesce(json_type(${X}), 'null')`;
  switch (op.op) {
    case 'set':
      step(X, p.json(op.value));
      return;
    case 'unset':
      step(X, 'NULL');
      return;
    case 'inc': {
      const n = `(coalesce(json_extract(${X}, '$'), 0) + ${p.add(op.by)})`;
      step(
        X,
        `json_quote(${n})`,
        [`${type} IN ('integer','real','null')`, finite(n, p), ...bounds(n, op, p)].join(' AND '),
      );
      return;
    }
    case 'merge':
      step(X, `json_patch(CASE WHEN json_type(${X}) = 'object' THEN ${X} ELSE '{}' END, ${p.json(op.value)})`);
      return;
    case 'add':
      step(
        X,
        `CASE WHEN ${type} = 'null' THEN json_array(${p.scalar(op.value)}) WHEN EXISTS (SELECT 1 FROM json_each(${X}) WHERE ${itemEquals(p, op.value)}) THEN ${X} ELSE json_insert(${X}, '$[#]', ${p.scalar(op.value)}) END`,
        `${type} IN ('array','null')`,
      );
      return;
    case 'remove':
      step(
        X,
        `CASE WHEN json_type(${X}) = 'array' THEN (SELECT json_group_array(${EACH_ELEMENT} ORDER BY key) FROM json_each(${X}) WHERE NOT ${itemEquals(p, op.value)}) ELSE ${X} END`,
        `${type} IN ('array','null')`,
      );
      return;
  }
}
