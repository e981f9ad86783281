import { applyOps } from './apply-ops.js';
import { GuardError } from './errors/guard-error.js';
import { InvalidChangeError } from './errors/invalid-change-error.js';
import type { NoclobberError } from './errors/noclobber-error.js';
import { TooLargeError } from './errors/too-large-error.js';
import { isPlainObject, jsonBytes, jsonEqual, numberProblem } from './json.js';
import { keyFields } from './key.js';
import type { FieldType, StoreSchema, WriteCommand } from './store.js';
import type { Row } from './types.js';

/**
 * The first byte cap `value` breaks, as a `TooLargeError`, or undefined.
 * @example
 * ```ts
 * checkCaps({ ...schema, maxBytes: { env_vars: 10 } }, { env_vars: { A: 'long value' } }); // TooLargeError
 * ```
 */
export function checkCaps(schema: StoreSchema, value: Row): TooLargeError | undefined {
  for (const [fieldName, limit] of Object.entries(schema.maxBytes ?? {})) {
    const v = Object.hasOwn(value, fieldName) ? value[fieldName] : undefined;
    if (v === undefined || v === null) continue;
    const size = (schema.measure ?? jsonBytes)(v);
    if (size > limit) {
      return new TooLargeError(`"${fieldName}" would be ${size} bytes, over its cap of ${limit}`, {
        what: 'field',
        field: fieldName,
        limitBytes: limit,
        actualBytes: size,
      });
    }
  }
  return undefined;
}

/** Fields a record holds that `schema.fields` does not name: a write keeps them as they are. */
function foreignFields(schema: StoreSchema, current: Row): Row {
  const out: Row = {};
  if (!schema.fields) return out;
  for (const [k, v] of Object.entries(current))
    if (!schema.fields.includes(k) && k !== schema.versionField && !schema.reservedFields?.includes(k)) out[k] = v;
  return out;
}

/**
 * The value a write would produce from `current` (ops applied, or the new value). With a
 * `schema` that lists `fields`, a new value keeps the fields the list does not name as
 * they are in `current`. Throws what `applyOps` throws.
 * @example
 * ```ts
 * nextValue({ ops: [inc(['n'], 1)] }, { n: 1 }); // { n: 2 }
 * ```
 */
export function nextValue(
  change: WriteCommand['change'],
  current: Row,
  key: WriteCommand['key'] = '',
  schema?: StoreSchema,
): Row {
  if ('ops' in change) return applyOps(current, change.ops, { key });
  return schema ? { ...foreignFields(schema, current), ...change.value } : change.value;
}

const absent = (v: unknown) => v === undefined || v === null;

/**
 * Why a field of this type cannot hold `v` (`null` always fits), or undefined.
 * @example
 * ```ts
 * fieldTypeProblem({ kind: 'integer', min: -32768, max: 32767 }, 40000); // 'out_of_range'
 * ```
 */
export function fieldTypeProblem(type: FieldType, v: unknown): 'type_mismatch' | 'out_of_range' | undefined {
  if (v === null || v === undefined) return undefined;
  if (!fits(type, v)) return 'type_mismatch';
  if (typeof v === 'number' && ((type.min !== undefined && v < type.min) || (type.max !== undefined && v > type.max)))
    return 'out_of_range';
  return undefined;
}

function fits(type: FieldType, v: unknown): boolean {
  switch (type.kind) {
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'scalar':
      return typeof v === 'string' || typeof v === 'number';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
  }
}

function deepNumberProblem(v: unknown, schema: StoreSchema): boolean {
  if (typeof v === 'number') return numberProblem(v, schema) !== undefined;
  if (Array.isArray(v)) return v.some((x) => deepNumberProblem(x, schema));
  if (isPlainObject(v)) return Object.values(v).some((x) => deepNumberProblem(x, schema));
  return false;
}

/** Top-level fields a change writes: those its ops name, or every field of a new value. */
function writtenFields(change: WriteCommand['change'], next: Row): string[] {
  if ('value' in change) return Object.keys(next);
  const out = new Set<string>();
  for (const op of change.ops) {
    if (op.path.length > 0) out.add(op.path[0] as string);
    else if (op.op === 'merge') for (const k of Object.keys(op.value)) out.add(k);
  }
  return [...out];
}

/**
 * Why the fields a change writes cannot hold what it would put there, or undefined:
 * a field `schema.fields` does not name (a value may carry one only unchanged), a field
 * added to an existing record under `fixedFields`, an object in a scalar field, a scalar
 * of the wrong kind or beyond its bounds (`fieldTypes`), a number the store cannot hold.
 * @example
 * ```ts
 * fieldProblem(schema, { ops: [set('title', 5)] }, {}, { title: 5 }, false); // type_mismatch when title is a string column
 * ```
 */
export function fieldProblem(
  schema: StoreSchema,
  change: WriteCommand['change'],
  current: Row,
  next: Row,
  creating: boolean,
): InvalidChangeError | undefined {
  for (const f of writtenFields(change, next)) {
    const v = Object.hasOwn(next, f) ? next[f] : undefined;
    const before = Object.hasOwn(current, f) ? current[f] : undefined;
    const changed = !(absent(v) && absent(before)) && !jsonEqual(v, before);
    if (!changed || absent(v)) continue;
    const path = [f];
    if (schema.fields && !schema.fields.includes(f))
      return new InvalidChangeError(`Unknown field "${f}"`, { reason: 'unknown_field', path });
    if (schema.fixedFields && !creating && absent(before))
      return new InvalidChangeError(
        `The record has no field "${f}", and this store does not add fields (list them in \`fields\`)`,
        {
          reason: 'unknown_field',
          path,
        },
      );
    if (schema.jsonFields && !schema.jsonFields.includes(f) && typeof v === 'object')
      return new InvalidChangeError(`The field "${f}" holds scalars, not objects or arrays`, {
        reason: 'type_mismatch',
        path,
      });
    const type = schema.fieldTypes?.[f];
    const typeProblem = type && fieldTypeProblem(type, v);
    if (typeProblem === 'type_mismatch')
      return new InvalidChangeError(`The ${type?.kind} field "${f}" cannot hold ${JSON.stringify(v)}`, {
        reason: typeProblem,
        path,
      });
    if (typeProblem)
      return new InvalidChangeError(`The field "${f}" cannot hold ${v} (its range is ${type?.min} to ${type?.max})`, {
        reason: typeProblem,
        path,
      });
    if (deepNumberProblem(v, schema))
      return new InvalidChangeError(`"${f}" would hold a number this store cannot hold`, {
        reason: 'out_of_range',
        path,
      });
  }
  return undefined;
}

/**
 * The last steps of {@link explainFailure} — type / bounds, then byte caps — for a change
 * on `current` (`undefined`: a create): the value it produces, or the error it gets.
 * Stores that compute a new value in JavaScript (a replace, a DynamoDB rebase) call it
 * before writing, so they refuse exactly what the reference refuses.
 * @example
 * ```ts
 * const out = checkChange(schema, cmd, current?.value);
 * if ('error' in out) throw out.error;
 * ```
 */
export function checkChange(
  schema: StoreSchema,
  cmd: WriteCommand,
  current: Row | undefined,
): { next: Row } | { error: NoclobberError } {
  const keys = keyFields(schema, cmd.key);
  const base = current ?? { ...keys };
  let next: Row;
  try {
    next = { ...nextValue(cmd.change, base, cmd.key, schema), ...keys };
  } catch (e) {
    if (e instanceof GuardError) return { error: e };
    if (e instanceof InvalidChangeError) return { error: e };
    throw e;
  }
  const problem = fieldProblem(schema, cmd.change, current ?? {}, next, current === undefined);
  if (problem) return { error: problem };
  const tooLarge = checkCaps(schema, next);
  return tooLarge ? { error: tooLarge } : { next };
}
