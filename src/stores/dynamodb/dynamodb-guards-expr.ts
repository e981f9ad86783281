import type { Guard } from '../../core/guards.js';
import type { JsonPrimitive } from '../../core/types.js';
import type { DynExpr } from './dynamodb-expr.js';

const COMPARE = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;
/** DynamoDB allows at most 100 operands in one IN. */
const IN_CHUNK = 100;

/**
 * A guard as a DynamoDB condition, with the semantics of `evaluateGuard`: a missing path,
 * or one through a non-map, reads as null (`attribute_not_exists` is true there); `=` and
 * `<>` compare type and value (1 never equals "1"); `<`… compare only a number with a
 * number or a string with a string (by UTF-8 bytes, which is code point order).
 * @example
 * ```ts
 * guardExpr(field('status').ne('deleting'), x); // '#n0 <> :v0'
 * ```
 */
export function guardExpr(g: Guard, x: DynExpr): string {
  const p = x.path(g.path);
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
      // An empty list holds for nothing: a contradiction on the same path.
      return parts.length ? `(${parts.join(' OR ')})` : `(attribute_exists(${p}) AND attribute_not_exists(${p}))`;
    }
    default: {
      const v = g.value;
      const type = typeof v === 'number' ? 'N' : 'S';
      return `(attribute_type(${p}, ${x.constant(type)}) AND ${p} ${COMPARE[g.op]} ${x.json(v)})`;
    }
  }
}
