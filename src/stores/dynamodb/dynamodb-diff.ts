import { jsonEqual } from '../../core/json.js';
import type { Row } from '../../core/types.js';
import { type DynExpr, MAX_EXPRESSION_BYTES } from './dynamodb-expr.js';
import type { DynamoTable } from './dynamodb-table.js';

/**
 * The UpdateExpression that turns `current` into `next` top-level attribute by attribute
 * (SET what changed, REMOVE what went away, SET the new version), leaving untouched
 * attributes — and the lease — exactly as stored. `undefined` when the expression would
 * exceed DynamoDB's 4 KB (the caller then puts the whole item).
 * @example
 * ```ts
 * diffUpdate(x, table, { a: 1, b: 2 }, { a: 1, c: 3 }, '8'); // 'SET #n0 = :v0, #n1 = :v1 REMOVE #n2'
 * ```
 */
export function diffUpdate(
  x: DynExpr,
  table: DynamoTable,
  current: Row,
  next: Row,
  version: string,
): string | undefined {
  const keys = new Set(table.schema.keyFields);
  const sets: string[] = [];
  const removes: string[] = [];
  for (const [k, v] of Object.entries(next))
    if (!keys.has(k) && !jsonEqual(v, current[k])) sets.push(`${x.name(k)} = ${x.json(v)}`);
  for (const k of Object.keys(current))
    if (!keys.has(k) && (next[k] === undefined || next[k] === null) && current[k] !== undefined)
      removes.push(x.name(k));
  sets.push(table.version.set(x, version));
  const update = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`;
  return update.length > MAX_EXPRESSION_BYTES ? undefined : update;
}
