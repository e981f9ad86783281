import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { VersionKind } from './dynamodb-version.js';

/**
 * The client noclobber sends commands through: the low-level `DynamoDBClient` of AWS SDK
 * v3 (not the DocumentClient: the store marshals values itself). Create it with
 * `maxAttempts: 1` when you can: the SDK re-sends a write whose answer was lost, and a
 * re-sent increment would apply twice; noclobber reports that case as
 * `CommitUnknownError` instead, and retries what is safe to retry itself.
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * const client: DynamoClient = new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 });
 * ```
 */
export type DynamoClient = Pick<DynamoDBClient, 'send'>;

/**
 * How a {@link DynamoStore} binds an existing table. The key attributes (partition key and
 * optional sort key, string or number) are read from the table itself.
 * @example
 * ```ts
 * const products: DynamoStoreConfig = { table: 'products', json: ['metadata'], maxBytes: { metadata: 64 * 1024 } };
 * const legacy: DynamoStoreConfig = { table: 'products', version: 'updated_at', versionKind: 'timestamp' };
 * ```
 */
export interface DynamoStoreConfig {
  readonly table: string;
  /** Version attribute. Default `'version'`. Items without it (older data) are at version `"0"`. */
  readonly version?: string;
  /**
   * `integer` (default): a number bumped by one per write. `timestamp`: an ISO-8601 string
   * with microseconds, set to now (or 1 µs after the stored one) so it strictly increases.
   */
  readonly versionKind?: VersionKind;
  /**
   * Top-level attributes ops and values may write (key attributes included). Items may
   * hold others (written by older code): they are read, kept as they are by every write,
   * and a value may carry them only unchanged. Without a list, writes may change the
   * attributes an item already has but not add new ones (`unknown_field`), so a resource
   * served over HTTP cannot be mass-assigned; `'open'` lets any write add any attribute.
   */
  readonly fields?: readonly string[] | 'open';
  /** Attributes holding maps or lists, the only ones nested paths may enter; absent = any. */
  readonly json?: readonly string[];
  /**
   * Byte cap per attribute (its JSON text, UTF-8) after a write. A condition cannot measure
   * a map, so ops on a capped attribute are computed on the current item and written
   * conditioned on its version.
   */
  readonly maxBytes?: Readonly<Record<string, number>>;
  /** Cap on the whole item as DynamoDB counts it; default and maximum 400 KB. */
  readonly maxItemBytes?: number;
  /** Attribute holding `withLock`'s lease (token, expiry, fencing token). Default `'_nc_lease'`. */
  readonly leaseAttribute?: string;
  /**
   * Attribute marking a tombstone (its value: when the record was deleted, epoch ms). Default
   * `'_nc_gone'`. A delete leaves the item's key and last version under this mark, so a
   * record created again starts after it and no version or ETag of the deleted record ever
   * matches the new one. noclobber reads a tombstone as absent; your own Scans and Queries
   * see it unless they filter `attribute_not_exists(_nc_gone)`.
   */
  readonly tombstoneAttribute?: string;
  /**
   * Let tombstones expire: each gets `attribute` = now + `seconds` (epoch seconds); turn on
   * the table's TTL for that attribute. Protection against a stale version lasts as long as
   * the tombstone: after it expires, a record created again may reuse an old version.
   */
  readonly tombstoneTtl?: { readonly attribute: string; readonly seconds: number };
}
