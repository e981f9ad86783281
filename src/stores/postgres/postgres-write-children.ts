import { childRows, diffChildren } from '../../core/aggregate-diff.js';
import { keyFields } from '../../core/key.js';
import type { StoreSchema } from '../../core/store.js';
import type { Key, KeyPart, Row } from '../../core/types.js';
import {
  checkChildRows,
  deleteAllChildrenSql,
  deleteChildrenSql,
  insertChildrenSql,
  updateChildSql,
  withParams,
} from './postgres-aggregate-sql.js';
import type { PgChild } from './postgres-aggregate-table.js';
import { type PgQueryable, pgQuery } from './postgres-query.js';
import type { PgParams } from './postgres-sql.js';

/** The child relations of an aggregate, by name: each an array of rows. */
export type Children = Record<string, Row[]>;

/** The parent-key columns of `child`'s rows for the root of `key`. */
function parentKey(schema: StoreSchema, child: PgChild, key: Key): Record<string, KeyPart> {
  const kf = keyFields(schema, key);
  const parent: Record<string, KeyPart> = {};
  child.schema.parentFields.forEach((f, i) => {
    parent[f] = kf[schema.keyFields[i] as string] as KeyPart;
  });
  return parent;
}

/**
 * Writes an aggregate's children from `before` to the relations in `value`: per child
 * table, the deletes, then the updates, then the inserts its rows' diff needs (each row
 * checked first). Runs inside the transaction whose root write guards them. Whether any
 * statement ran.
 * @example
 * ```ts
 * const wrote = await writeChildren(q, schema, table.children, key, before, value);
 * ```
 */
export async function writeChildren(
  q: PgQueryable,
  schema: StoreSchema,
  children: readonly PgChild[],
  key: Key,
  before: Children,
  value: Row,
): Promise<boolean> {
  const plans = children.map((child: PgChild) => {
    const rows = childRows(value, child.name);
    checkChildRows(child, rows);
    const parent = parentKey(schema, child, key);
    return { child, parent, diff: diffChildren(child.name, before[child.name] ?? [], rows, child.schema, parent) };
  });
  let wrote = false;
  const run = async (sql: string, p: PgParams) => {
    if (!sql) return;
    wrote = true;
    await pgQuery(q, sql, p.values, 'in-transaction', false);
  };
  for (const { child, parent, diff } of plans) {
    if (diff.delete.length > 0) await run(...withParams((p) => deleteChildrenSql(child, diff.delete, parent, p)));
    for (const row of diff.update) await run(...withParams((p) => updateChildSql(child, row, p)));
    if (diff.insert.length > 0) await run(...withParams((p) => insertChildrenSql(child, diff.insert, p)));
  }
  return wrote;
}

/**
 * Deletes every child row of the root of `key`, table by table, before the root's delete.
 * @example
 * ```ts
 * await deleteAllChildren(q, schema, table.children, key);
 * ```
 */
export async function deleteAllChildren(
  q: PgQueryable,
  schema: StoreSchema,
  children: readonly PgChild[],
  key: Key,
): Promise<void> {
  for (const child of children) {
    const [sql, p] = withParams((p) => deleteAllChildrenSql(child, parentKey(schema, child, key), p));
    await pgQuery(q, sql, p.values, 'in-transaction', false);
  }
}
