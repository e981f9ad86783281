import { CreateTableCommand, DeleteItemCommand, type DynamoDBClient, ResourceInUseException, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../stores/dynamodb/index.js';
import type { RaceTarget } from '../../testing/race-target.js';
import { localClient, startDynamoDbLocal } from './dynamodb-local.js';

const TABLE = 'race_rows';

// The race prints its progress on stderr; the SDK's notice that its 2027 releases will need
// Node 22 is not about the race (set the variable to 'false' to see it again).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * A race target on DynamoDB: the endpoint at `url` (`http://host:port`, e.g. a DynamoDB
 * Local you run), or a DynamoDB Local started here (needs Java) and stopped on close.
 * Each `connect()` is a new client (its own connections).
 * @example
 * ```ts
 * const target = await openTarget({ url: 'http://127.0.0.1:8000' });
 * ```
 */
export async function openTarget(options: { url?: string }): Promise<RaceTarget> {
  const local = options.url ? undefined : await startDynamoDbLocal();
  const endpoint = options.url ?? (local?.endpoint as string);
  const clients: DynamoDBClient[] = [];
  const newClient = () => {
    const c = localClient(endpoint);
    clients.push(c);
    return c;
  };
  const admin = newClient();
  try {
    await admin.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) {
      await local?.stop();
      throw e;
    }
  }
  return {
    name: 'dynamodb',
    connect: async () => DynamoStore.open(newClient(), { table: TABLE, fields: ['id', 'n', 'markers'], json: ['markers'] }),
    async reset() {
      for (const c of clients.splice(1)) c.destroy();
      let start: Record<string, never> | undefined;
      do {
        const page = await admin.send(new ScanCommand({ TableName: TABLE, ProjectionExpression: 'id', ...(start ? { ExclusiveStartKey: start } : {}) }));
        for (const item of page.Items ?? []) await admin.send(new DeleteItemCommand({ TableName: TABLE, Key: { id: item.id as never } }));
        start = page.LastEvaluatedKey as typeof start;
      } while (start);
    },
    async close() {
      for (const c of clients) c.destroy();
      await local?.stop();
    },
  };
}
