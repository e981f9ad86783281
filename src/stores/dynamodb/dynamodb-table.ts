import { DescribeTableCommand, type DescribeTableCommandOutput } from '@aws-sdk/client-dynamodb';
import type { StoreSchema } from '../../core/store.js';
import { DYNAMODB_MAX_ITEM_BYTES, mapDynamoError } from './dynamodb-errors.js';
import { DYNAMODB_LIMITS } from './dynamodb-limits.js';
import type { DynamoClient, DynamoStoreConfig } from './dynamodb-store-config.js';
import { DynamoVersion } from './dynamodb-version.js';

/** A key attribute and its DynamoDB type. */
export interface DynamoKeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** A bound table: its key, version rules, lease attribute and the schema the core validates against. */
export interface DynamoTable {
  readonly name: string;
  readonly keys: readonly DynamoKeyAttribute[];
  readonly version: DynamoVersion;
  readonly lease: string;
  /** The attribute marking a tombstone (see `DynamoStoreConfig.tombstoneAttribute`). */
  readonly gone: string;
  /** When tombstones expire: the TTL attribute and how many seconds after the delete. */
  readonly ttl?: { readonly attribute: string; readonly seconds: number };
  readonly maxItemBytes: number;
  readonly schema: StoreSchema;
}

/**
 * Reads the table's key schema with `DescribeTable` and checks the config against it.
 * @example
 * ```ts
 * const table = await describeTable(client, { table: 'products' });
 * ```
 */
export async function describeTable(client: DynamoClient, config: DynamoStoreConfig): Promise<DynamoTable> {
  let described: DescribeTableCommandOutput;
  try {
    described = await client.send(new DescribeTableCommand({ TableName: config.table }));
  } catch (e) {
    // A catalog request fails like any read: unreachable is TransientError, any answer (a
    // missing table, access denied) DatabaseError, the SDK's error as the cause.
    throw mapDynamoError(e, 'read');
  }
  const t = described.Table;
  const types = new Map((t?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  const ordered = [...(t?.KeySchema ?? [])].sort((a) => (a.KeyType === 'HASH' ? -1 : 1));
  const keys = ordered.map((k): DynamoKeyAttribute => {
    const type = types.get(k.AttributeName);
    if (type !== 'S' && type !== 'N')
      throw new TypeError(
        `noclobber/dynamodb: key attribute "${k.AttributeName}" is ${type}; only S and N keys are supported`,
      );
    return { name: k.AttributeName as string, type };
  });
  if (keys.length === 0) throw new TypeError(`noclobber/dynamodb: table "${config.table}" has no key schema`);
  const version = config.version ?? 'version';
  const lease = config.leaseAttribute ?? '_nc_lease';
  const gone = config.tombstoneAttribute ?? '_nc_gone';
  const ttl = config.tombstoneTtl;
  const keyNames = keys.map((k) => k.name);
  const own: [string, string | undefined][] = [
    ['version', version],
    ['lease', lease],
    ['tombstone', gone],
    ['tombstone TTL', ttl?.attribute],
  ];
  for (const [i, [what, name]] of own.entries()) {
    if (name !== undefined && keyNames.includes(name))
      throw new TypeError(`noclobber/dynamodb: the ${what} attribute "${name}" is a key attribute`);
    if (name !== undefined && own.slice(0, i).some(([, n]) => n === name))
      throw new TypeError(`noclobber/dynamodb: the ${what} attribute "${name}" is taken`);
  }
  if (ttl && !(Number.isFinite(ttl.seconds) && ttl.seconds > 0))
    throw new RangeError('noclobber/dynamodb: tombstoneTtl.seconds must be a positive number');
  const maxItemBytes = config.maxItemBytes ?? DYNAMODB_MAX_ITEM_BYTES;
  if (!(maxItemBytes > 0 && maxItemBytes <= DYNAMODB_MAX_ITEM_BYTES))
    throw new RangeError(`noclobber/dynamodb: maxItemBytes must be in 1..${DYNAMODB_MAX_ITEM_BYTES}`);
  for (const f of Object.keys(config.maxBytes ?? {}))
    if (config.json && !config.json.includes(f))
      throw new TypeError(`noclobber/dynamodb: maxBytes names "${f}", which is not in json`);
  const listed = Array.isArray(config.fields) ? (config.fields as readonly string[]) : undefined;
  const fields = listed ? [...new Set([...keyNames, ...listed])] : undefined;
  for (const f of [version, lease, gone])
    if (fields?.includes(f)) throw new TypeError(`noclobber/dynamodb: fields must not list "${f}"`);
  return {
    name: config.table,
    keys,
    version: new DynamoVersion(version, config.versionKind ?? 'integer'),
    lease,
    gone,
    ...(ttl ? { ttl: { attribute: ttl.attribute, seconds: ttl.seconds } } : {}),
    maxItemBytes,
    schema: {
      keyFields: keyNames,
      versionField: version,
      reservedFields: [lease, gone],
      ...(fields ? { fields } : config.fields === 'open' ? {} : { fixedFields: true }),
      ...DYNAMODB_LIMITS,
      ...(config.json ? { jsonFields: [...config.json] } : {}),
      ...(config.maxBytes ? { maxBytes: { ...config.maxBytes } } : {}),
    },
  };
}
