import { evaluateGuard } from '../../core/evaluate-guard.js';
import type { Guard } from '../../core/guards.js';
import { numberProblem } from '../../core/json.js';
import type { JsonPrimitive } from '../../core/types.js';
import type { DynExpr } from './dynamodb-expr.js';
import { DYNAMODB_LIMITS } from './dynamodb-limits.js';

const COMPARE = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;
/** DynamoDB allows at most 100 operands in one IN. */
const IN_CHUNK = 100;

/** Where a guard is evaluated: the attributes that never read as record data. */
export interface GuardScope {
  /** The partition key attribute, whose existence every write already requires. */
  readonly pk: string;
  /** Key attributes: scalars, so a path into one reads as null (DynamoDB refuses such a path). */
  readonly keys: readonly string[];
  /** The version and lease attributes: not part of a record's value, so they read as null. */
  readonly hidden: readonly string[];
}

const tooBig = (v: number) => Math.abs(v) > DYNAMODB_LIMITS.numberRange.maxAbs;

/**
 * The guard DynamoDB can evaluate for `g`, or its constant value. No stored number lies
 * outside DynamoDB's range, and DynamoDB refuses such an operand outright, so an operand
 * beyond 9.99e125 orders like ±infinity and one below 1e-130 (but not 0) like a number
 * just off zero: `n < 1e-200` holds exactly when `n <= 0`.
 */
function inRange(g: Guard): Guard | boolean | 'number' {
  const v = g.value;
  if (g.op === 'in')
    return {
      ...g,
      value: (v as readonly JsonPrimitive[]).filter((x) => typeof x !== 'number' || !numberProblem(x, DYNAMODB_LIMITS)),
    };
  if (typeof v !== 'number' || !numberProblem(v, DYNAMODB_LIMITS)) return g;
  if (g.op === 'eq') return false;
  if (g.op === 'ne') return true;
  const below = g.op === 'lt' || g.op === 'lte';
  if (tooBig(v)) return below === v > 0 ? 'number' : false;
  if (v > 0) return { ...g, op: below ? 'lte' : 'gt', value: 0 };
  return { ...g, op: below ? 'lt' : 'gte', value: 0 };
}

/**
 * A guard as a DynamoDB condition, with the semantics of `evaluateGuard`: a missing path,
 * or one through a non-map, reads as null (`attribute_not_exists` is true there); `=` and
 * `<>` compare type and value (1 never equals "1"); `<`… compare only a number with a
 * number or a string with a string (by UTF-8 bytes, which is code point order). Paths that
 * never read as data (the version, the lease, a path into a key attribute) are constants.
 * @example
 * ```ts
 * guardExpr(field('status').ne('deleting'), x, scope); // '#n0 <> :v0'
 * ```
 */
export function guardExpr(raw: Guard, x: DynExpr, scope: GuardScope): string {
  const [top] = raw.path;
  const hidden = scope.hidden.includes(top as string) || (raw.path.length > 1 && scope.keys.includes(top as string));
  const g = hidden ? evaluateGuard({}, raw) : inRange(raw);
  // Names are registered only when the expression uses them: DynamoDB refuses unused ones.
  // Every write already requires the item to exist, so these are true / false on it.
  if (g === true) return `attribute_exists(${x.name(scope.pk)})`;
  if (g === false) return `attribute_not_exists(${x.name(scope.pk)})`;
  if (g !== 'number' && g.op === 'in' && (g.value as readonly JsonPrimitive[]).length === 0)
    return `attribute_not_exists(${x.name(scope.pk)})`;
  const p = x.path(raw.path);
  if (g === 'number') return `attribute_type(${p}, ${x.constant('N')})`;
  // Built only when used: DynamoDB refuses a request with an unused placeholder.
  const isNull = () => `(attribute_not_exists(${p}) OR attribute_type(${p}, ${x.constant('NULL')}))`;
  switch (g.op) {
    case 'absent':
      return isNull();
    case 'exists':
      return `(NOT ${isNull()})`;
    case 'eq':
      return g.value === null ? isNull() : `${p} = ${x.json(g.value)}`;
    case 'ne':
      return g.value === null ? `(NOT ${isNull()})` : `${p} <> ${x.json(g.value)}`;
    case 'in': {
      const values = g.value as readonly JsonPrimitive[];
      const scalars = values.filter((v) => v !== null);
      const parts: string[] = [];
      for (let i = 0; i < scalars.length; i += IN_CHUNK)
        parts.push(
          `${p} IN (${scalars
            .slice(i, i + IN_CHUNK)
            .map((v) => x.json(v))
            .join(', ')})`,
        );
      if (values.includes(null)) parts.push(isNull());
      // DynamoDB refuses redundant parentheses: `((a OR b))` is a ValidationException.
      return parts.length === 1 && values.includes(null) ? isNull() : `(${parts.join(' OR ')})`;
    }
    default: {
      const v = g.value;
      const type = typeof v === 'number' ? 'N' : 'S';
      return `(attribute_type(${p}, ${x.constant(type)}) AND ${p} ${COMPARE[g.op]} ${x.json(v)})`;
    }
  }
}
