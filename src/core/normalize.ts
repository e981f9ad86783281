import { InvalidChangeError } from './errors/invalid-change-error.js';
import type { Expect } from './expect.js';
import type { Guard, GuardOp } from './guards.js';
import { assertJson, isPlainObject, numberProblem } from './json.js';
import type { NormalOp, Op, SetItem } from './ops.js';
import { parsePath } from './path.js';
import type { StoreSchema } from './store.js';

const OPS = new Set(['set', 'unset', 'inc', 'merge', 'add', 'remove']);
const GUARD_OPS: ReadonlySet<GuardOp> = new Set(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'exists', 'absent']);

function bad(message: string, reason: 'bad_op' | 'bad_expect', path?: readonly string[]): never {
  throw new InvalidChangeError(message, path === undefined ? { reason } : { reason, path });
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function checkTopField(schema: StoreSchema, path: readonly string[]): void {
  const top = path[0];
  if (top === undefined) return;
  if (top === schema.versionField || schema.keyFields.includes(top) || schema.reservedFields?.includes(top)) {
    const what = top === schema.versionField ? 'version' : schema.keyFields.includes(top) ? 'key' : 'store’s own field';
    throw new InvalidChangeError(`The field "${top}" is the record's ${what} and cannot be changed`, {
      reason: 'protected_field',
      path,
    });
  }
  if (schema.fields && !schema.fields.includes(top)) {
    throw new InvalidChangeError(`Unknown field "${top}"`, { reason: 'unknown_field', path });
  }
  if (path.length > 1 && schema.jsonFields && !schema.jsonFields.includes(top)) {
    throw new InvalidChangeError(`The field "${top}" is not a JSON field, so it has no nested paths`, {
      reason: 'type_mismatch',
      path,
    });
  }
}

function isJsonField(schema: StoreSchema, name: string): boolean {
  return !schema.jsonFields || schema.jsonFields.includes(name);
}

function outOfRange(n: number, path: readonly string[]): never {
  throw new InvalidChangeError(`The number ${n} is outside what this store can hold`, { reason: 'out_of_range', path });
}

/**
 * Validates a list of ops (from code or from untrusted JSON) against a store's schema and
 * returns them with parsed paths. Throws `InvalidChangeError` for anything malformed,
 * any prototype key at any depth, values nested deeper than `schema.maxDepth` or holding
 * what the store cannot hold, ops that cannot apply to a field's kind (`merge` / `add` into
 * a scalar field), and writes to key / version / unknown fields. Whether a value fits its
 * field is decided with the data, after existence, version and guards (`explainFailure`).
 *
 * @example
 * ```ts
 * normalizeOps([{ op: 'inc', path: 'views', by: 1 }], schema); // [{ op: 'inc', path: ['views'], by: 1 }]
 * ```
 */
export function normalizeOps(ops: unknown, schema: StoreSchema): NormalOp[] {
  if (!Array.isArray(ops)) bad('Ops must be an array', 'bad_op');
  return ops.map((raw: unknown): NormalOp => {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || !OPS.has(raw.op))
      bad('Each op must be an object with op set/unset/inc/merge/add/remove', 'bad_op');
    const o = raw as unknown as Op;
    const path = parsePath(o.path, { allowRoot: o.op === 'merge' });
    checkTopField(schema, path);
    switch (o.op) {
      case 'set':
        if (!('value' in o) || o.value === undefined) bad('set needs a value', 'bad_op', path);
        assertJson(o.value, path, schema);
        return { op: 'set', path, value: o.value };
      case 'unset':
        return { op: 'unset', path };
      case 'inc': {
        if (typeof o.by !== 'number' || !Number.isFinite(o.by)) bad('inc needs a finite number "by"', 'bad_op', path);
        const { min, max } = o;
        if (min !== undefined && (typeof min !== 'number' || !Number.isFinite(min)))
          bad('inc min must be a finite number', 'bad_op', path);
        if (max !== undefined && (typeof max !== 'number' || !Number.isFinite(max)))
          bad('inc max must be a finite number', 'bad_op', path);
        for (const n of [o.by, min, max]) if (n !== undefined && numberProblem(n, schema)) outOfRange(n, path);
        if (min !== undefined && max !== undefined && min > max) bad('inc min is above max', 'bad_op', path);
        return {
          op: 'inc',
          path,
          by: o.by,
          ...(min === undefined ? {} : { min }),
          ...(max === undefined ? {} : { max }),
        };
      }
      case 'merge':
        if (!isPlainObject(o.value)) bad('merge needs an object value (use set to replace)', 'bad_op', path);
        assertJson(o.value, path, schema);
        if (path.length === 1 && !isJsonField(schema, path[0] as string)) {
          throw new InvalidChangeError(`The field "${path[0]}" holds scalars, not objects`, {
            reason: 'type_mismatch',
            path,
          });
        }
        if (path.length === 0) for (const k of Object.keys(o.value)) checkTopField(schema, [k]);
        return { op: 'merge', path, value: o.value };
      case 'add':
      case 'remove':
        if (!isScalar(o.value) || o.value === null)
          bad(`${o.op} needs a string, number or boolean item`, 'bad_op', path);
        assertJson(o.value, path, schema);
        if (path.length === 1 && !isJsonField(schema, path[0] as string)) {
          throw new InvalidChangeError(`The field "${path[0]}" holds scalars, not arrays`, {
            reason: 'type_mismatch',
            path,
          });
        }
        return { op: o.op, path, value: o.value as SetItem };
    }
    return bad('Unknown op', 'bad_op', path);
  });
}

/**
 * Validates an expectation (from code or untrusted input) and returns it with parsed guard
 * paths. Throws `InvalidChangeError` (`bad_expect`) for contradictions such as
 * `absent` together with `version`.
 *
 * @example
 * ```ts
 * normalizeExpect({ version: '3', where: [{ path: 'status', op: 'ne', value: 'deleting' }] });
 * ```
 */
export function normalizeExpect(expect: unknown): Expect {
  if (expect === undefined) return {};
  if (!isPlainObject(expect)) bad('expect must be an object', 'bad_expect');
  const e = expect as Record<string, unknown>;
  for (const k of Object.keys(e))
    if (!['version', 'exists', 'absent', 'where'].includes(k)) bad(`Unknown expectation "${k}"`, 'bad_expect');
  if (e.version !== undefined && (typeof e.version !== 'string' || e.version === ''))
    bad('expect.version must be a non-empty string', 'bad_expect');
  if (e.exists !== undefined && e.exists !== true) bad('expect.exists must be true when given', 'bad_expect');
  if (e.absent !== undefined && e.absent !== true) bad('expect.absent must be true when given', 'bad_expect');
  if (e.absent && (e.version !== undefined || e.exists || (Array.isArray(e.where) && e.where.length > 0))) {
    bad('expect.absent cannot be combined with version, exists or where', 'bad_expect');
  }
  let where: Guard[] | undefined;
  if (e.where !== undefined) {
    if (!Array.isArray(e.where)) bad('expect.where must be an array of guards', 'bad_expect');
    where = e.where.map((g: unknown): Guard => {
      if (!isPlainObject(g) || typeof g.op !== 'string' || !GUARD_OPS.has(g.op as GuardOp))
        bad('Each guard needs a known op', 'bad_expect');
      const path = parsePath(g.path);
      const op = g.op as GuardOp;
      const value = g.value;
      if (op === 'in') {
        if (!Array.isArray(value) || !value.every(isScalar))
          bad('An "in" guard needs an array of scalars', 'bad_expect', path);
      } else if (op === 'exists' || op === 'absent') {
        if (value !== undefined) bad(`An "${op}" guard takes no value`, 'bad_expect', path);
      } else if (['lt', 'lte', 'gt', 'gte'].includes(op)) {
        if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value)))
          bad(`A "${op}" guard needs a number or string`, 'bad_expect', path);
      } else if (!isScalar(value)) bad(`An "${op}" guard needs a scalar value`, 'bad_expect', path);
      return value === undefined ? { path, op } : { path, op, value: value as Guard['value'] };
    });
  }
  return {
    ...(e.version === undefined ? {} : { version: e.version as string }),
    ...(e.exists ? { exists: true as const } : {}),
    ...(e.absent ? { absent: true as const } : {}),
    ...(where === undefined ? {} : { where }),
  };
}
