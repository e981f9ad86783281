import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { collection, DatabaseError, inc, isNoclobberError } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, localClient } from '../../tools/services/index.js';
import { startProxy } from '../faults/tcp-proxy.js';
import { createTable, dynamoEndpoint } from './dynamo-harness.js';

const endpoint = await dynamoEndpoint();

describe.skipIf(!endpoint)('DynamoDB: what a failure means depends on when it happened', () => {
  const admin = localClient(endpoint as string);
  afterAll(() => admin.destroy());

  it('open() on an unreachable endpoint is a TransientError with the SDK error as cause, not a TypeError', async () => {
    const down = localClient(`http://127.0.0.1:${await freePort()}`);
    const err = await DynamoStore.open(down, { table: 'anything' }).catch((e) => e);
    down.destroy();
    expect(isNoclobberError(err), String(err)).toBe(true);
    expect(err).toMatchObject({ code: 'transient', reason: 'connection', retryable: true });
    expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('open() on a table DynamoDB does not have is a DatabaseError carrying its answer', async () => {
    const err = await DynamoStore.open(admin, { table: `missing_${process.pid}` }).catch((e) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err.cause as { name?: string }).name).toBe('ResourceNotFoundException');
  });

  it('while DynamoDB is unreachable a write sent nothing: TransientError, retried and counted by cause; once back, it applies once', async () => {
    const table = await createTable(admin, 'unreach', [{ name: 'id', type: 'S' }]);
    const proxy = await startProxy(endpoint as string);
    const client = localClient(proxy.endpoint);
    try {
      const docs = collection(await DynamoStore.open(client, { table }));
      await docs.create('a', { id: 'a', n: 0 });
      const outage = proxy.outage(600);
      await new Promise((r) => setTimeout(r, 50));
      const err = await docs.apply('a', [inc('n', 1)], { retry: { attempts: 3, baseMs: 1, capMs: 1 } }).catch((e) => e);
      expect(err).toMatchObject({
        code: 'transient',
        reason: 'connection',
        attempts: 3,
        attemptsByCause: { connection: 3 },
      });
      await outage;
      await docs.apply('a', [inc('n', 1)], { retry: { connectionAttempts: 50, baseMs: 10, capMs: 50 } });
      expect((await docs.get('a'))?.value.n).toBe(1);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });

  it('a table missing at write time is a DatabaseError, not a raw SDK error', async () => {
    const name = `gone_${process.pid}`;
    await admin.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const docs = collection(await DynamoStore.open(admin, { table: name }));
    const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
    await admin.send(new DeleteTableCommand({ TableName: name }));
    const err = await docs.apply('a', [inc('n', 1)]).catch((e) => e);
    expect(err).toBeInstanceOf(DatabaseError);
  });
});
