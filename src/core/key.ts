import { InvalidChangeError } from './errors/invalid-change-error.js';
import { isPlainObject } from './json.js';
import type { StoreSchema } from './store.js';
import type { Key, KeyPart } from './types.js';

function isKeyPart(v: unknown): v is KeyPart {
  return (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isSafeInteger(v));
}

/**
 * The key as an object naming each key field; throws `InvalidChangeError` (`bad_key`)
 * when it does not fit the schema.
 * @example
 * ```ts
 * keyFields({ keyFields: ['id'], versionField: 'version' }, 7); // { id: 7 }
 * ```
 */
export function keyFields(schema: StoreSchema, key: Key): Readonly<Record<string, KeyPart>> {
  if (schema.keyFields.length === 1 && !isPlainObject(key)) {
    if (!isKeyPart(key))
      throw new InvalidChangeError('A key must be a non-empty string or a safe integer', { reason: 'bad_key' });
    return { [schema.keyFields[0] as string]: key };
  }
  if (!isPlainObject(key))
    throw new InvalidChangeError(`A key must name ${schema.keyFields.join(', ')}`, { reason: 'bad_key' });
  const out: Record<string, KeyPart> = {};
  for (const f of schema.keyFields) {
    const v = (key as Record<string, unknown>)[f];
    if (!isKeyPart(v)) throw new InvalidChangeError(`The key needs a string or integer "${f}"`, { reason: 'bad_key' });
    out[f] = v;
  }
  if (Object.keys(key).length !== schema.keyFields.length)
    throw new InvalidChangeError(`A key has exactly the fields ${schema.keyFields.join(', ')}`, { reason: 'bad_key' });
  return out;
}

/**
 * A stable string for a key (map keys, logs, markers).
 * @example
 * ```ts
 * keyString(schema, { tenant: 't1', id: 7 }); // '["t1",7]'
 * ```
 */
export function keyString(schema: StoreSchema, key: Key): string {
  const fields = keyFields(schema, key);
  const parts = schema.keyFields.map((f) => fields[f]);
  return parts.length === 1 ? String(parts[0]) : JSON.stringify(parts);
}
