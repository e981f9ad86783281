import type { Guard } from '../../core/guards.js';
import type { JsonPrimitive } from '../../core/types.js';
import { ident, type PgParams, typeOf } from './postgres-sql.js';
import type { PgColumn } from './postgres-table.js';

const CMP: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/**
 * PostgreSQL text cannot hold U+0000, so no stored string contains it: such an operand
 * equals nothing, and orders like its prefix before the NUL (a stored `s` is `<` "ab\0…"
 * exactly when `s <= "ab"`). Returns the guard PostgreSQL can evaluate, or a constant.
 */
function withoutNul(guard: Guard): Guard | boolean {
  const v = guard.value;
  if (guard.op === 'in') {
    const vs = (v as readonly JsonPrimitive[]).filter((x) => !(typeof x === 'string' && x.includes('\u0000')));
    return { ...guard, value: vs };
  }
  if (typeof v !== 'string' || !v.includes('\u0000')) return guard;
  const prefix = v.slice(0, v.indexOf('\u0000'));
  if (guard.op === 'eq') return false;
  if (guard.op === 'ne') return true;
  return { ...guard, op: guard.op === 'lt' || guard.op === 'lte' ? 'lte' : 'gt', value: prefix };
}

function scalarGuard(guard: Guard, c: string, column: PgColumn, p: PgParams): string {
  const kindOf = (v: unknown) =>
    typeof v === 'number' ? 'num' : typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : 'null';
  const colKind =
    column.kind === 'integer' || column.kind === 'number'
      ? 'num'
      : column.kind === 'string'
        ? 'str'
        : column.kind === 'boolean'
          ? 'bool'
          : 'other';
  // Any JavaScript number compares exactly with an integer or numeric column as numeric
  // (1.5 or 2^53 − 1 against an int4 would be a cast error, never a comparison).
  const num = (v: unknown) =>
    column.kind === 'number' && column.type !== 'numeric'
      ? [c, p.add(v, column.type)]
      : [`${c}::numeric`, p.add(v, 'numeric')];
  const eq = (v: JsonPrimitive) => {
    if (v === null) return `${c} IS NULL`;
    if (kindOf(v) !== colKind) return 'false';
    if (colKind === 'str') return `${c} = ${p.add(v, 'text')} COLLATE "C"`;
    if (colKind === 'num') return num(v).join(' = ');
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
      if (colKind === 'str') return `coalesce(${c} ${CMP[guard.op]} ${p.add(v, 'text')} COLLATE "C", false)`;
      return `coalesce(${num(v).join(` ${CMP[guard.op]} `)}, false)`;
    }
  }
}

function jsonGuard(guard: Guard, c: string, rest: readonly string[], p: PgParams): string {
  // Every container must be an object, so a numeric-looking key never indexes an array.
  // Built on demand: a placeholder that ends up unused has no type, and PostgreSQL refuses
  // the whole statement (42P18) — as an empty \`in\` list once did.
  const at = () => {
    const reach = rest.map((_, i) => `jsonb_typeof(${i === 0 ? c : `${c} #> ${p.path(rest.slice(0, i))}`}) = 'object'`);
    return rest.length === 0 ? c : `CASE WHEN ${reach.join(' AND ')} THEN ${c} #> ${p.path(rest)} END`;
  };
  const isNull = (v: string) => `${typeOf(v)} = 'null'`;
  const eq = (v: string, x: JsonPrimitive) => (x === null ? isNull(v) : `coalesce(${v} = ${p.json(x)}, false)`);
  switch (guard.op) {
    case 'eq':
      return eq(at(), guard.value as JsonPrimitive);
    case 'ne':
      return `NOT ${eq(at(), guard.value as JsonPrimitive)}`;
    case 'in': {
      const vs = guard.value as JsonPrimitive[];
      if (vs.length === 0) return 'false';
      const v = at();
      return `(${vs.map((x) => eq(v, x)).join(' OR ')})`;
    }
    case 'exists':
      return `NOT ${isNull(at())}`;
    case 'absent':
      return isNull(at());
    default: {
      const x = guard.value;
      const v = at();
      if (typeof x === 'number')
        return `coalesce(jsonb_typeof(${v}) = 'number' AND ${v} ${CMP[guard.op]} ${p.json(x)}, false)`;
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
export function guardSql(raw: Guard, columns: ReadonlyMap<string, PgColumn>, p: PgParams, alias = 't'): string {
  const guard = withoutNul(raw);
  if (typeof guard === 'boolean') return String(guard);
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
