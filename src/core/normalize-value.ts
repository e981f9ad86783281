import { InvalidChangeError } from './errors/invalid-change-error.js';
import { assertJson, isPlainObject } from './json.js';
import { keyFields } from './key.js';
import type { StoreSchema } from './store.js';
import type { Key, Row } from './types.js';

/**
 * Validates a whole value for `create` / `replace` and returns it with the key fields
 * filled in. Throws `InvalidChangeError` for a non-object, non-JSON content, prototype
 * keys at any depth, a version field, key fields that disagree with `key`, or unknown
 * fields; `undefined` members are dropped.
 *
 * @example
 * ```ts
 * normalizeValue(schema, 'a', { title: 'x' }); // { id: 'a', title: 'x' }
 * ```
 */
export function normalizeValue(schema: StoreSchema, key: Key, value: unknown): Row {
  if (!isPlainObject(value)) throw new InvalidChangeError('A value must be an object of fields', { reason: 'not_json' });
  const out: Row = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  assertJson(out);
  for (const f of [schema.versionField, ...(schema.reservedFields ?? [])]) {
    if (f in out) throw new InvalidChangeError(`The field "${f}" cannot be written`, { reason: 'protected_field', path: [f] });
  }
  const kf = keyFields(schema, key);
  for (const [f, v] of Object.entries(kf)) {
    if (f in out && out[f] !== v) throw new InvalidChangeError(`The key field "${f}" cannot be changed`, { reason: 'protected_field', path: [f] });
    out[f] = v;
  }
  if (schema.jsonFields) {
    for (const [k, v] of Object.entries(out)) {
      if (!schema.jsonFields.includes(k) && v !== null && typeof v === 'object') {
        throw new InvalidChangeError(`The field "${k}" holds scalars, not objects or arrays`, { reason: 'type_mismatch', path: [k] });
      }
    }
  }
  if (schema.fields) {
    for (const k of Object.keys(out)) {
      if (!schema.fields.includes(k)) throw new InvalidChangeError(`Unknown field "${k}"`, { reason: 'unknown_field', path: [k] });
    }
  }
  return out;
}
