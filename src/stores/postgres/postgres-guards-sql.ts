import type { Guard } from '../../core/guards.js';
import type { JsonPrimitive } from '../../core/types.js';
import { ident, type PgParams, typeOf } from './postgres-sql.js';
import type { PgColumn } from './postgres-table.js';

const CMP: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

function scalarGuard(guard: Guard, c: string, column: PgColumn, p: PgParams): string {
  const kindOf = (v: unknown) => (typeof v === 'number' ? 'num' : typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : 'null');
  const colKind =
    column.kind === 'integer' || column.kind === 'number' ? 'num' : column.kind === 'string' ? 'str' : column.kind === 'boolean' ? 'bool' : 'other';
  const eq = (v: JsonPrimitive) => {
    if (v === null) return `${c} IS NULL`;
    if (kindOf(v) !== colKind) return 'false';
    if (colKind === 'str') return `${c} = ${p.add(v, 'text')} COLLATE "C"`;
    return `${c} = ${p.add(v, column.type)}`;
  };
  switch (guard.op) {
    case 'eq':
      return `coalesce(${eq(guard.value as JsonPrimitive)}, false)`;
    case 'ne':
      return `NOT coalesce(${eq(guard.value as JsonPrimitive)}, false)`;
    case 'in': {
      const vs = guard.value as JsonPrimitive[];
      return vs.length === 0 ? 'false' : `coalesce(${vs.map(eq).join(' OR ')}, false)`;
    }
    case 'exists':
      return `${c} IS NOT NULL`;
    case 'absent':
      return `${c} IS NULL`;
    default: {
      const v = guard.value;
      if (kindOf(v) !== colKind || (colKind !== 'num' && colKind !== 'str')) return 'false';
      return `coalesce(${c} ${CMP[guard.op]} ${colKind === 'str' ? `${p.add(v, 'text')} COLLATE "C"` : p.add(v, column.type)}, false)`;
    }
  }
}

function jsonGuard(guard: Guard, c: string, rest: readonly string[], p: PgParams): string {
  // Every container must be an object, so a numeric-looking key never indexes an array.
  const reach = rest.map((_, i) => `jsonb_typeof(${i === 0 ? c : `${c} #> ${p.path(rest.slice(0, i))}`}) = 'object'`);
  const v = rest.length === 0 ? c : `CASE WHEN ${reach.join(' AND ')} THEN ${c} #> ${p.path(rest)} END`;
  const isNull = `${typeOf(v)} = 'null'`;
  const eq = (x: JsonPrimitive) => (x === null ? isNull : `coalesce(${v} = ${p.json(x)}, false)`);
  switch (guard.op) {
    case 'eq':
      return eq(guard.value as JsonPrimitive);
    case 'ne':
      return `NOT ${eq(guard.value as JsonPrimitive)}`;
    case 'in': {
      const vs = guard.value as JsonPrimitive[];
      return vs.length === 0 ? 'false' : `(${vs.map(eq).join(' OR ')})`;
    }
    case 'exists':
      return `NOT ${isNull}`;
    case 'absent':
      return isNull;
    default: {
      const x = guard.value;
      if (typeof x === 'number') return `coalesce(jsonb_typeof(${v}) = 'number' AND ${v} ${CMP[guard.op]} ${p.json(x)}, false)`;
      return `coalesce(jsonb_typeof(${v}) = 'string' AND (${v} #>> '{}') ${CMP[guard.op]} ${p.add(x, 'text')} COLLATE "C", false)`;
    }
  }
}

/**
 * A guard as a never-NULL SQL condition on the target row `t`, with the core's semantics:
 * missing reads as null, strict scalar types (jsonb equality; a column of another kind
 * never equals), ordering only number-number or string-string (`COLLATE "C"`).
 * @example
 * ```ts
 * guardSql(field('status').ne('deleting'), columns, params); // NOT coalesce(t."status" = $1::text COLLATE "C", false)
 * ```
 */
export function guardSql(guard: Guard, columns: ReadonlyMap<string, PgColumn>, p: PgParams, alias = 't'): string {
  const [name, ...rest] = guard.path as [string, ...string[]];
  const column = columns.get(name);
  const c = `${alias}.${ident(name)}`;
  if (!column || (!column.json && rest.length > 0)) {
    // A missing column, or a path through a scalar column, reads as null.
    const nullHolds =
      guard.op === 'absent' ||
      (guard.op === 'eq' && guard.value === null) ||
      (guard.op === 'ne' && guard.value !== null) ||
      (guard.op === 'in' && (guard.value as JsonPrimitive[]).includes(null));
    return nullHolds ? 'true' : 'false';
  }
  return column.json ? jsonGuard(guard, c, rest, p) : scalarGuard(guard, c, column, p);
}
