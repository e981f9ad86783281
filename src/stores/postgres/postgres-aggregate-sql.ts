import { fieldTypeProblem } from '../../core/check-change.js';
import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import type { KeyPart, Row } from '../../core/types.js';
import type { PgChild } from './postgres-aggregate-table.js';
import { ident, PgParams } from './postgres-sql.js';
import type { PgColumn } from './postgres-table.js';

/** The alias of a relation's rows in a result (relation names are user data, aliases are not). */
export const childAlias = (i: number): string => `__nc_c${i}`;

/**
 * A child column as JSON, in the form the aggregate's value holds it: numbers stay numbers
 * (so they can be written back), timestamps become ISO-8601 strings in UTC with
 * milliseconds, as the root's timestamps do.
 */
function columnJson(c: string, column: PgColumn): string {
  if (column.json) return c;
  if (column.type.startsWith('timestamp') && column.type.endsWith('with time zone'))
    return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  if (column.type.startsWith('timestamp')) return `to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `to_jsonb(${c})`;
}

/**
 * A child row's columns as they go into its JSON, each named by ident(): `to_jsonb` of the
 * row keys it by those names, so no name is ever a string literal in the statement.
 */
function rowColumns(child: PgChild, alias: string): string {
  return [...child.columns.values()]
    .map((col) => `${columnJson(`${alias}.${ident(col.name)}`, col)} AS ${ident(col.name)}`)
    .join(', ');
}

/**
 * A sub-select giving a relation's rows as a jsonb array ordered by its `orderBy`, for
 * the root whose key column `k` is `parent(k)` (a column of the outer row or a parameter).
 * @example
 * ```ts
 * childrenSql(images, (i) => `t."id"`); // (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY c."id"), '[]') FROM "product_images" AS c CROSS JOIN LATERAL (…) AS r WHERE c."product_id" = t."id")
 * ```
 */
export function childrenSql(child: PgChild, parent: (i: number) => string): string {
  const where = child.schema.parentFields.map((f, i) => `c.${ident(f)} = ${parent(i)}`).join(' AND ');
  const order = child.orderBy.map((c) => `c.${ident(c)}`).join(', ');
  return `(SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY ${order}), '[]'::jsonb) FROM ${child.quoted} AS c CROSS JOIN LATERAL (SELECT ${rowColumns(child, 'c')}) AS r WHERE ${where})`;
}

/**
 * A value bound for a column: jsonb for JSON columns, otherwise a scalar of the column's
 * kind (PostgreSQL would convert or round anything else), `NULL` for null.
 * @example
 * ```ts
 * encodeColumn(column, 'a.jpg', p); // $3::text
 * ```
 */
export function encodeColumn(column: PgColumn, value: unknown, p: PgParams): string {
  if (value === null || value === undefined) return `NULL::${column.type}`;
  if (column.json) return p.json(value);
  checkColumn(column, value, [column.name]);
  return p.add(value, column.type);
}

/** Refuses a scalar the column cannot hold as it is: of another kind, or beyond its range (int2/int4, float4, safe int8). */
function checkColumn(column: PgColumn, value: unknown, path: readonly string[]): void {
  const problem = fieldTypeProblem(column.fieldType, value);
  if (problem === 'type_mismatch')
    throw new InvalidChangeError(`The ${column.type} column "${column.name}" cannot hold ${JSON.stringify(value)}`, {
      reason: problem,
      path,
    });
  if (problem)
    throw new InvalidChangeError(
      `The ${column.type} column "${column.name}" cannot hold ${value} (its range is ${column.fieldType.min} to ${column.fieldType.max})`,
      {
        reason: problem,
        path,
      },
    );
}

/**
 * Checks every row of a relation before anything is sent: known columns only, scalars
 * of the column's kind and range (errors name the row: `images.2.position`).
 * @example
 * ```ts
 * checkChildRows(images, rows);
 * ```
 */
export function checkChildRows(child: PgChild, rows: readonly Row[]): void {
  rows.forEach((row, i) => {
    for (const [f, v] of Object.entries(row)) {
      const column = child.columns.get(f);
      const at = [child.name, String(i), f];
      if (!column)
        throw new InvalidChangeError(`A ${child.name} row has no column "${f}"`, { reason: 'unknown_field', path: at });
      if (v === null || v === undefined || column.json) continue;
      checkColumn(column, v, at);
    }
  });
}

const keyMatch = (child: PgChild, fields: readonly string[], row: Row, p: PgParams) =>
  fields.map((f) => `c.${ident(f)} = ${encodeColumn(child.columns.get(f) as PgColumn, row[f], p)}`).join(' AND ');

/**
 * Deletes the given rows of one root's relation in one statement.
 * @example
 * ```ts
 * deleteChildrenSql(images, removed, { product_id: 'p1' }, p);
 * ```
 */
export function deleteChildrenSql(
  child: PgChild,
  rows: readonly Row[],
  parent: Readonly<Record<string, KeyPart>>,
  p: PgParams,
): string {
  const owner = keyMatch(child, child.schema.parentFields, parent, p);
  const which = rows.map((r) => `(${keyMatch(child, child.schema.keyFields, r, p)})`).join(' OR ');
  return `DELETE FROM ${child.quoted} AS c WHERE ${owner} AND (${which})`;
}

/**
 * Deletes every row of one root's relation.
 * @example
 * ```ts
 * deleteAllChildrenSql(images, { product_id: 'p1' }, p);
 * ```
 */
export function deleteAllChildrenSql(child: PgChild, parent: Readonly<Record<string, KeyPart>>, p: PgParams): string {
  return `DELETE FROM ${child.quoted} AS c WHERE ${keyMatch(child, child.schema.parentFields, parent, p)}`;
}

/**
 * Inserts rows in one statement; a column a row leaves out takes its default.
 * @example
 * ```ts
 * insertChildrenSql(images, [{ id: 'i9', product_id: 'p1', key: 'a.jpg' }], p);
 * ```
 */
export function insertChildrenSql(child: PgChild, rows: readonly Row[], p: PgParams): string {
  const names = [...child.columns.keys()].filter((c) => rows.some((r) => r[c] !== undefined));
  const values = rows.map(
    (r) =>
      `(${names.map((c) => (r[c] === undefined ? 'DEFAULT' : encodeColumn(child.columns.get(c) as PgColumn, r[c], p))).join(', ')})`,
  );
  return `INSERT INTO ${child.quoted} (${names.map(ident).join(', ')}) VALUES ${values.join(', ')}`;
}

/**
 * Rewrites one row (every column but its key; a column it leaves out becomes NULL, as a
 * field left out of a replaced record does).
 * @example
 * ```ts
 * updateChildSql(images, { id: 'i1', product_id: 'p1', key: 'b.jpg', position: 2 }, p);
 * ```
 */
export function updateChildSql(child: PgChild, row: Row, p: PgParams): string {
  const fixed = new Set([...child.schema.keyFields, ...child.schema.parentFields]);
  const sets = [...child.columns.values()]
    .filter((c) => !fixed.has(c.name))
    .map((c) => `${ident(c.name)} = ${encodeColumn(c, row[c.name], p)}`);
  const where = keyMatch(child, [...child.schema.keyFields, ...child.schema.parentFields], row, p);
  return sets.length === 0 ? '' : `UPDATE ${child.quoted} AS c SET ${sets.join(', ')} WHERE ${where}`;
}

/**
 * Builds a statement with a fresh parameter list, returning both.
 * @example
 * ```ts
 * const [sql, p] = withParams((p) => deleteAllChildrenSql(child, parent, p));
 * ```
 */
export function withParams(build: (p: PgParams) => string): [string, PgParams] {
  const p = new PgParams();
  return [build(p), p];
}
