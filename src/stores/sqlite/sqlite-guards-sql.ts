import type { Guard } from '../../core/guards.js';
import type { JsonPrimitive } from '../../core/types.js';
import type { SqliteColumn } from './sqlite-ops-sql.js';
import { ident, type Params } from './sqlite-sql.js';

interface Probe {
  readonly isNull: string;
  readonly isString: string;
  readonly isNumber: string;
  readonly isTrue: string;
  readonly isFalse: string;
  readonly value: string;
}

function probe(guard: Guard, columns: ReadonlyMap<string, SqliteColumn>, p: Params): Probe {
  const [name, ...rest] = guard.path as [string, ...string[]];
  const column = columns.get(name);
  if (!column || (!column.json && rest.length > 0)) {
    // A missing column, or a path through a scalar column, reads as null.
    return { isNull: '1', isString: '0', isNumber: '0', isTrue: '0', isFalse: '0', value: 'NULL' };
  }
  const c = ident(name);
  if (!column.json) {
    return {
      isNull: `${c} IS NULL`,
      isString: `typeof(${c}) = 'text'`,
      isNumber: `typeof(${c}) IN ('integer','real')`,
      isTrue: '0',
      isFalse: '0',
      value: c,
    };
  }
  const at = p.path(rest);
  const t = `json_type(${c}, ${at})`;
  return {
    isNull: `coalesce(${t}, 'null') = 'null'`,
    isString: `${t} = 'text'`,
    isNumber: `${t} IN ('integer','real')`,
    isTrue: `${t} = 'true'`,
    isFalse: `${t} = 'false'`,
    value: `json_extract(${c}, ${at})`,
  };
}

function equals(pr: Probe, v: JsonPrimitive, p: Params): string {
  if (v === null) return pr.isNull;
  if (typeof v === 'boolean') return v ? pr.isTrue : pr.isFalse;
  if (typeof v === 'number') return `(${pr.isNumber} AND ${pr.value} = ${p.add(v)})`;
  return `(${pr.isString} AND ${pr.value} = ${p.add(v)} COLLATE BINARY)`;
}

function compare(pr: Probe, op: string, v: unknown, p: Params): string {
  const sql = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[op] as string;
  if (typeof v === 'number') return `(${pr.isNumber} AND ${pr.value} ${sql} ${p.add(v)})`;
  return `(${pr.isString} AND ${pr.value} ${sql} ${p.add(v)} COLLATE BINARY)`;
}

/**
 * A guard as an SQL condition that is never NULL, with the core's semantics: missing reads
 * as null, scalars compare with strict types, ordering only number-number or
 * string-string (binary collation).
 * @example
 * ```ts
 * guardSql(field('status').ne('deleting'), columns, params); // "NOT coalesce((typeof(\"status\") = 'text' AND …), 0)"
 * ```
 */
export function guardSql(guard: Guard, columns: ReadonlyMap<string, SqliteColumn>, p: Params): string {
  const pr = probe(guard, columns, p);
  const holds = (sql: string) => `coalesce((${sql}), 0)`;
  switch (guard.op) {
    case 'eq':
      return holds(equals(pr, guard.value as JsonPrimitive, p));
    case 'ne':
      return `NOT ${holds(equals(pr, guard.value as JsonPrimitive, p))}`;
    case 'in': {
      const values = guard.value as readonly JsonPrimitive[];
      return values.length === 0 ? '0' : holds(values.map((v) => equals(pr, v, p)).join(' OR '));
    }
    case 'exists':
      return `NOT ${holds(pr.isNull)}`;
    case 'absent':
      return holds(pr.isNull);
    default:
      return holds(compare(pr, guard.op, guard.value, p));
  }
}
