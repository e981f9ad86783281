import { InvalidChangeError } from './errors/invalid-change-error.js';
import { isPlainObject, jsonEqual } from './json.js';
import type { KeyPart, Row } from './types.js';

/**
 * How the rows of one child relation of an aggregate are keyed: by their own key fields,
 * and tied to the root by parent fields holding the root's key (the foreign key).
 * @example
 * ```ts
 * const images: ChildSchema = { keyFields: ['id'], parentFields: ['product_id'] };
 * ```
 */
export interface ChildSchema {
  readonly keyFields: readonly string[];
  /** Child fields holding the root's key, in the order of the root's key fields. */
  readonly parentFields: readonly string[];
}

/** What must be written to turn a relation's rows from `before` into `after`. */
export interface ChildChanges {
  /** New rows (with the parent fields filled in); a row without any key field gets one from the database. */
  readonly insert: Row[];
  /** Rows whose key exists before and after, with a different value (the whole new row). */
  readonly update: Row[];
  /** Rows whose key is gone (the rows as they were). */
  readonly delete: Row[];
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** A row without top-level nulls: absent and null mean the same, as for every record. */
function withoutNulls(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) if (present(v)) out[k] = v;
  return out;
}

/** The identity of a child row, or undefined when it has no key yet. */
function rowKey(row: Row, child: ChildSchema, at: readonly string[]): string | undefined {
  const parts = child.keyFields.map((f) => row[f]);
  if (parts.every((p) => !present(p))) return undefined;
  if (!parts.every((p) => typeof p === 'string' || (typeof p === 'number' && Number.isFinite(p))))
    throw new InvalidChangeError(
      `A child row needs every key field (${child.keyFields.join(', ')}) as a string or number, or none`,
      {
        reason: 'bad_key',
        path: at,
      },
    );
  return JSON.stringify(parts);
}

/**
 * The rows of a child relation in an aggregate's value: an array of objects (absent or
 * null reads as no rows).
 * @example
 * ```ts
 * childRows({ id: 'p1', images: [{ id: 'i1' }] }, 'images'); // [{ id: 'i1' }]
 * ```
 */
export function childRows(value: Row, name: string): Row[] {
  const rows = value[name];
  if (rows === undefined || rows === null) return [];
  if (!Array.isArray(rows))
    throw new InvalidChangeError(`"${name}" holds the relation's rows: an array of objects`, {
      reason: 'type_mismatch',
      path: [name],
    });
  rows.forEach((r, i) => {
    if (!isPlainObject(r))
      throw new InvalidChangeError(`"${name}" holds the relation's rows: an array of objects`, {
        reason: 'type_mismatch',
        path: [name, String(i)],
      });
  });
  return rows as Row[];
}

/**
 * The inserts, updates and deletes that turn a child relation's rows `before` (as stored)
 * into `after` (as the intent returned them), matched by the child's key. Parent fields
 * missing from a new row are filled with the root's key; a parent field naming another
 * root, a duplicate key or a partial key is an `InvalidChangeError`, so a row can never be
 * moved to another aggregate or written twice.
 * @example
 * ```ts
 * diffChildren('images', before, after, { keyFields: ['id'], parentFields: ['product_id'] }, { product_id: 'p1' });
 * // { insert: [...], update: [...], delete: [...] }
 * ```
 */
export function diffChildren(
  name: string,
  before: readonly Row[],
  after: readonly Row[],
  child: ChildSchema,
  parent: Readonly<Record<string, KeyPart>>,
): ChildChanges {
  const old = new Map<string, Row>();
  for (const row of before) old.set(rowKey(row, child, [name]) as string, row);
  const seen = new Set<string>();
  const changes: ChildChanges = { insert: [], update: [], delete: [] };
  after.forEach((given, i) => {
    const at = [name, String(i)];
    const row: Row = { ...given };
    for (const [f, v] of Object.entries(parent)) {
      if (!present(row[f])) row[f] = v;
      else if (row[f] !== v)
        throw new InvalidChangeError(`"${f}" of a ${name} row must be the root's key`, {
          reason: 'protected_field',
          path: [...at, f],
        });
    }
    const key = rowKey(row, child, at);
    if (key === undefined) {
      changes.insert.push(row);
      return;
    }
    if (seen.has(key))
      throw new InvalidChangeError(`Two ${name} rows have the key ${key}`, { reason: 'bad_key', path: at });
    seen.add(key);
    const was = old.get(key);
    if (!was) changes.insert.push(row);
    else if (!jsonEqual(withoutNulls(was), withoutNulls(row))) changes.update.push(row);
  });
  for (const [key, row] of old) if (!seen.has(key)) changes.delete.push(row);
  return changes;
}
