import { TooLargeError } from './errors/too-large-error.js';
import { jsonBytes } from './json.js';
import { keyFields } from './key.js';
import { normalizeOps } from './normalize.js';
import { normalizeValue } from './normalize-value.js';
import type { Op } from './ops.js';
import type { PreparedChange, StoreSchema } from './store.js';
import type { Key, Row } from './types.js';

/** Default cap on one patch's JSON size, checked before any I/O. */
export const DEFAULT_MAX_PATCH_BYTES = 256 * 1024;

/**
 * Validates ops for `schema` and checks the patch's size before any I/O.
 * @example
 * ```ts
 * const change = prepareOps(store.schema, 'k1', [inc('n', 1)], 65536);
 * ```
 */
export function prepareOps(
  schema: StoreSchema,
  key: Key,
  ops: readonly Op[],
  maxPatchBytes = DEFAULT_MAX_PATCH_BYTES,
): PreparedChange {
  keyFields(schema, key);
  // Validate first: a BigInt or a value nested 100 000 deep must be a typed error, never
  // a TypeError or RangeError from serialising it.
  const normal = normalizeOps(ops, schema);
  const size = jsonBytes(normal);
  if (size > maxPatchBytes) {
    throw new TooLargeError(`The patch is ${size} bytes, over the ${maxPatchBytes} byte limit`, {
      what: 'patch',
      limitBytes: maxPatchBytes,
      actualBytes: size,
    });
  }
  return { ops: normal };
}

/**
 * Validates a whole value for `schema` and `key`, and checks its size before any I/O.
 * Field caps (`maxBytes`) are the store's to check, after existence, version and guards.
 * @example
 * ```ts
 * const change = prepareValue(store.schema, 'k1', { id: 'k1', n: 0 }, 65536);
 * ```
 */
export function prepareValue(
  schema: StoreSchema,
  key: Key,
  value: unknown,
  maxPatchBytes = DEFAULT_MAX_PATCH_BYTES,
): PreparedChange & { value: Row } {
  const normal = normalizeValue(schema, key, value);
  const size = jsonBytes(normal);
  if (size > maxPatchBytes) {
    throw new TooLargeError(`The value is ${size} bytes, over the ${maxPatchBytes} byte limit`, {
      what: 'patch',
      limitBytes: maxPatchBytes,
      actualBytes: size,
    });
  }
  return { value: normal };
}
