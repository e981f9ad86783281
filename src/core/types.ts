/** A JSON scalar. */
export type JsonPrimitive = string | number | boolean | null;
/** Any JSON value. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A record's value: its top-level fields (columns / attributes), key fields included and
 * the version field excluded (the version travels separately in {@link Snapshot}).
 * At the top level an absent field and a `null` field mean the same (a NULL column).
 */
export type Row = Record<string, unknown>;

/** One component of a key. */
export type KeyPart = string | number;

/**
 * A record's key: a scalar for a single key field, or an object naming every key field
 * of a composite key.
 *
 * @example
 * ```ts
 * const k1: Key = 'stack-42';
 * const k2: Key = { tenant_id: 't1', id: 7 };
 * ```
 */
export type Key = KeyPart | Readonly<Record<string, KeyPart>>;

/**
 * A record as read at one version. `version` is opaque: compare it for equality only
 * (it becomes the HTTP ETag).
 *
 * @example
 * ```ts
 * const snap = await stacks.get('s1'); // { key: 's1', version: '4', value: { slug: 's1', env_vars: {...} } }
 * ```
 */
export interface Snapshot<T = Row> {
  readonly key: Key;
  readonly version: string;
  readonly value: T;
  /**
   * The record as it was just before this write, from the same atomic step — present
   * only when the write asked for it (`returnPrevious`) and the store can provide it.
   */
  readonly previous?: { readonly version: string; readonly value: T };
}
