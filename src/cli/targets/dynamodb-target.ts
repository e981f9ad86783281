import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  ResourceInUseException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../stores/dynamodb/index.js';
import type { RaceTarget } from '../../testing/race-target.js';
import { type StartedServer, startDevServer } from '../dev-services.js';
import { describeError, StoreUnavailableError } from '../store-unavailable-error.js';

const TABLE = 'race_rows';

// The race prints its progress on stderr; the SDK's notice that its 2027 releases will need
// Node 22 is not about the race (set the variable to 'false' to see it again).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A client for a local endpoint: any credentials and region do; one attempt per request (noclobber decides what to re-send). */
function endpointClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 15_000 },
  });
}

/**
 * A race target on DynamoDB: the endpoint at `url` (`http://host:port`, e.g. a DynamoDB
 * Local you run), or a DynamoDB Local started from the checkout's dev services (needs
 * Java) and stopped on close. Each `connect()` is a new client (its own connections). An
 * endpoint that cannot be used is a `StoreUnavailableError` naming it.
 * @example
 * ```ts
 * const target = await openTarget({ url: 'http://127.0.0.1:8000' });
 * ```
 */
export async function openTarget(options: { url?: string }): Promise<RaceTarget> {
  const local: StartedServer | undefined = options.url ? undefined : await startDevServer('dynamodb');
  const endpoint = options.url ?? (local as StartedServer).url;
  const clients: DynamoDBClient[] = [];
  const newClient = () => {
    const c = endpointClient(endpoint);
    clients.push(c);
    return c;
  };
  const close = async () => {
    for (const c of clients) c.destroy();
    await local?.stop();
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
      await close();
      throw new StoreUnavailableError(`cannot use DynamoDB at ${endpoint}: ${describeError(e)}`, e);
    }
  }
  return {
    name: 'dynamodb',
    connect: async () =>
      DynamoStore.open(newClient(), { table: TABLE, fields: ['id', 'n', 'markers'], json: ['markers'] }),
    async reset() {
      for (const c of clients.splice(1)) c.destroy();
      let start: Record<string, never> | undefined;
      do {
        const page = await admin.send(
          new ScanCommand({
            TableName: TABLE,
            ProjectionExpression: 'id',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? [])
          await admin.send(new DeleteItemCommand({ TableName: TABLE, Key: { id: item.id as never } }));
        start = page.LastEvaluatedKey as typeof start;
      } while (start);
    },
    close,
  };
}
