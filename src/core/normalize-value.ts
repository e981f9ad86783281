import { InvalidChangeError } from './errors/invalid-change-error.js';
import { assertJson, isPlainObject } from './json.js';
import { keyFields } from './key.js';
import type { StoreSchema } from './store.js';
import type { Key, Row } from './types.js';

/**
 * Validates a whole value for `create` / `replace` and returns it with the key fields
 * filled in. Throws `InvalidChangeError` for a non-object, non-JSON content, prototype
 * keys at any depth, nesting deeper than `schema.maxDepth`, what the store cannot hold,
 * a version or reserved field, or key fields that disagree with `key`; `undefined`
 * members are dropped. Whether each field may hold its value (an unknown field, a scalar
 * field given an object, a column of another kind) is decided with the data, after
 * existence, version and guards: a field `schema.fields` does not name may ride along
 * unchanged (`explainFailure`).
 *
 * @example
 * ```ts
 * normalizeValue(schema, 'a', { title: 'x' }); // { id: 'a', title: 'x' }
 * ```
 */
export function normalizeValue(schema: StoreSchema, key: Key, value: unknown): Row {
  if (!isPlainObject(value))
    throw new InvalidChangeError('A value must be an object of fields', { reason: 'not_json' });
  const out: Row = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  assertJson(out, [], schema);
  for (const f of [schema.versionField, ...(schema.reservedFields ?? [])]) {
    if (Object.hasOwn(out, f))
      throw new InvalidChangeError(`The field "${f}" cannot be written`, { reason: 'protected_field', path: [f] });
  }
  const kf = keyFields(schema, key);
  for (const [f, v] of Object.entries(kf)) {
    if (Object.hasOwn(out, f) && out[f] !== v)
      throw new InvalidChangeError(`The key field "${f}" cannot be changed`, { reason: 'protected_field', path: [f] });
    out[f] = v;
  }
  return out;
}
