import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { TooLargeError } from '../../core/errors/too-large-error.js';
import { checkChange } from '../../core/explain-failure.js';
import { numberProblem } from '../../core/json.js';
import { keyFields } from '../../core/key.js';
import { LONE_SURROGATE } from '../../core/path.js';
import type { WriteCommand } from '../../core/store.js';
import type { Key, Row, Snapshot } from '../../core/types.js';
import { fromAttr, type Item, itemSize, toAttr } from './dynamodb-item.js';
import { DYNAMODB_KEY_BYTES, DYNAMODB_LIMITS } from './dynamodb-limits.js';

const encoder = new TextEncoder();
const utf8Bytes = (s: string) => encoder.encode(s).length;

import type { DynamoTable } from './dynamodb-table.js';

/**
 * The key as DynamoDB's `Key`, checked against the key attributes' types.
 * @example
 * ```ts
 * keyItem(table, { tenant: 't1', id: 7 }); // { tenant: { S: 't1' }, id: { N: '7' } }
 * ```
 */
export function keyItem(t: DynamoTable, key: Key): Item {
  const fields = keyFields(t.schema, key);
  const out: Item = {};
  t.keys.forEach((k, i) => {
    const v = fields[k.name];
    if (typeof v !== (k.type === 'S' ? 'string' : 'number'))
      throw new InvalidChangeError(`The key attribute "${k.name}" is a ${k.type === 'S' ? 'string' : 'number'}`, {
        reason: 'bad_key',
      });
    const limit = i === 0 ? DYNAMODB_KEY_BYTES.hash : DYNAMODB_KEY_BYTES.range;
    if (typeof v === 'string' && (LONE_SURROGATE.test(v) || utf8Bytes(v) > limit))
      throw new InvalidChangeError(`The key attribute "${k.name}" must be Unicode text of at most ${limit} bytes`, {
        reason: 'bad_key',
      });
    if (typeof v === 'number' && numberProblem(v, DYNAMODB_LIMITS))
      throw new InvalidChangeError(`The key attribute "${k.name}" is out of DynamoDB's range`, { reason: 'bad_key' });
    out[k.name] = toAttr(v);
  });
  return out;
}

/**
 * A record from an item; the version and lease attributes travel outside `value`, and a
 * tombstone is no record (undefined).
 * @example
 * ```ts
 * toSnapshot(table, 'p1', out.Attributes); // { key: 'p1', version: '4', value: { id: 'p1', ... } }
 * ```
 */
export function toSnapshot<T>(t: DynamoTable, key: Key, item: Item | undefined): Snapshot<T> | undefined {
  // A tombstone is no record: the key is absent (it only keeps the last version).
  if (!item || item[t.gone] !== undefined) return undefined;
  const value: Row = {};
  for (const [k, av] of Object.entries(item)) if (k !== t.version.field && k !== t.lease) value[k] = fromAttr(av);
  return { key, version: t.version.read(item[t.version.field]), value: value as T };
}

/**
 * The whole item for a value at a version (a held lease rides along), refused with
 * `TooLargeError` when it is over the table's item cap — before anything is sent.
 * @example
 * ```ts
 * const item = fullItem(table, 'p1', value, '5');
 * ```
 */
export function fullItem(t: DynamoTable, key: Key, value: Row, version: string, lease?: Item[string]): Item {
  const item: Item = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) item[k] = toAttr(v);
  Object.assign(item, keyItem(t, key));
  item[t.version.field] = t.version.attr(version);
  if (lease) item[t.lease] = lease;
  const size = itemSize(item);
  if (size > t.maxItemBytes)
    throw new TooLargeError(`The item would be ${size} bytes, over its cap of ${t.maxItemBytes}`, {
      what: 'item',
      limitBytes: t.maxItemBytes,
      actualBytes: size,
    });
  return item;
}

/**
 * The value `cmd` produces from `current` (`undefined`: a create), refused exactly as the
 * reference refuses it (`checkChange`: types, unknown or added fields, numbers DynamoDB
 * cannot hold, field caps); key fields in, top-level nulls out (an absent attribute).
 * @example
 * ```ts
 * recordValue(table, { key: 'p1', change: { ops }, expect: {} }, current.value);
 * ```
 */
export function recordValue(t: DynamoTable, cmd: WriteCommand, current: Row | undefined): Row {
  const checked = checkChange(t.schema, cmd, current);
  if ('error' in checked) throw checked.error;
  const next = checked.next;
  for (const k of Object.keys(next)) if (next[k] === null || next[k] === undefined) delete next[k];
  return next;
}
