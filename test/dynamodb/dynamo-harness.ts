import { CreateTableCommand, DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoStore, type DynamoStoreConfig } from 'noclobber/dynamodb';
import { localClient } from '../../tools/services/index.js';
import { keyValues, type StoreHarness, type TableSpec } from '../conformance/harness.js';
import { service } from '../setup/services.js';

/**
 * The DynamoDB endpoint for this run (DynamoDB Local, started on first request), or
 * undefined after printing loudly why the DynamoDB tests are skipped.
 */
export function dynamoEndpoint(): Promise<string | undefined> {
  return service('dynamodb');
}

let seq = 0;

/** Creates a table with the given key attributes (string or number) and returns its name. */
export async function createTable(
  client: DynamoDBClient,
  base: string,
  keys: readonly { name: string; type: 'S' | 'N' }[],
): Promise<string> {
  const name = `${base}_${process.pid}_${++seq}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
      KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
}

/** The conformance harness on DynamoDB Local: every `connect()` is a new client (its own connections). */
export function dynamoHarness(endpoint: string): StoreHarness {
  const main = localClient(endpoint);
  const clients: DynamoDBClient[] = [main];
  return {
    name: 'dynamodb',
    versionKinds: ['integer', 'timestamp'],
    async table(spec: TableSpec) {
      const keys = spec.key.map((k) => ({
        name: k,
        type: spec.columns[k] === 'text' ? ('S' as const) : ('N' as const),
      }));
      const table = await createTable(main, spec.name, keys);
      const json = Object.entries(spec.columns)
        .filter(([, kind]) => kind === 'json')
        .map(([c]) => c);
      const config: DynamoStoreConfig = {
        table,
        fields: Object.keys(spec.columns),
        json,
        versionKind: spec.versionKind ?? 'integer',
        ...(spec.maxBytes ? { maxBytes: spec.maxBytes } : {}),
      };
      const keyOf = (key: Parameters<typeof keyValues>[1]) =>
        marshall(Object.fromEntries(spec.key.map((k, i) => [k, keyValues(spec, key)[i]])));
      return {
        store: await DynamoStore.open(main, config),
        // As an application's own PutItem and DeleteItem: no version attribute, no tombstone.
        plain: {
          insert: async (row) =>
            void (await main.send(
              new PutItemCommand({ TableName: table, Item: marshall(row, { removeUndefinedValues: true }) }),
            )),
          delete: async (key) => void (await main.send(new DeleteItemCommand({ TableName: table, Key: keyOf(key) }))),
        },
        async connect() {
          const client = localClient(endpoint);
          clients.push(client);
          return DynamoStore.open(client, config);
        },
      };
    },
    async close() {
      for (const c of clients) c.destroy();
    },
  };
}
