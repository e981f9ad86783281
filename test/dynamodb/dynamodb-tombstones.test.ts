import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { collection, set } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localClient } from '../../tools/services/index.js';
import { createTable, dynamoEndpoint } from './dynamo-harness.js';

const endpoint = await dynamoEndpoint();

// The tombstone inside the item: its marker and TTL attributes are names the
// caller chooses, so they reach expressions only as #placeholders; the item keeps the key and
// the last version; every read path treats it as absent.
describe.skipIf(!endpoint)('DynamoDB: tombstones in the item', () => {
  const client = localClient(endpoint as string);
  afterAll(() => client.destroy());
  const gone = 'gone #x :y.z "q"';
  const expires = 'expires at';

  it('a delete leaves key, last version, the marker and the TTL under hostile attribute names; a create starts after it', async () => {
    const table = await createTable(client, 'ddb_tomb', [{ name: 'id', type: 'S' }]);
    const docs = collection(
      await DynamoStore.open(client, {
        table,
        tombstoneAttribute: gone,
        tombstoneTtl: { attribute: expires, seconds: 3600 },
      }),
    );
    const first = await docs.create('k', { id: 'k', title: 'a' });
    const touched = await docs.apply('k', [set('title', 'b')]);
    const before = Math.floor(Date.now() / 1000);
    await docs.delete('k');
    const raw = unmarshall(
      (await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: 'k' } }, ConsistentRead: true })))
        .Item ?? {},
    );
    expect(Object.keys(raw).sort()).toEqual([expires, gone, 'id', 'version'].sort());
    expect(raw.version).toBe(Number(touched.version));
    expect(raw[expires]).toBeGreaterThanOrEqual(before + 3600);
    expect(raw[expires]).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3600);
    // Absent to noclobber; present to a plain Scan (docs/design.md says to filter on the marker).
    expect(await docs.get('k')).toBeUndefined();
    expect((await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items).toHaveLength(1);
    expect(await docs.apply('k', [set('title', 'x')]).catch((e: unknown) => e)).toMatchObject({ reason: 'gone' });
    expect(await docs.delete('k').catch((e: unknown) => e)).toMatchObject({ reason: 'gone' });
    const second = await docs.create('k', { id: 'k', title: 'c' });
    expect([first.version, touched.version]).not.toContain(second.version);
    expect(
      await docs.apply('k', [set('title', 'x')], { expect: { version: touched.version } }).catch((e: unknown) => e),
    ).toMatchObject({
      reason: 'stale',
    });
    // The record created over the tombstone carries neither the marker nor the TTL.
    const live = unmarshall(
      (await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: 'k' } }, ConsistentRead: true })))
        .Item ?? {},
    );
    expect(live).toEqual({ id: 'k', title: 'c', version: Number(second.version) });
  });

  it('a value may not carry the marker attribute', async () => {
    const table = await createTable(client, 'ddb_tomb', [{ name: 'id', type: 'S' }]);
    const docs = collection(await DynamoStore.open(client, { table, tombstoneAttribute: gone }));
    const refused = await docs.create('k', { id: 'k', [gone]: 1 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'invalid_change' });
    expect(await docs.get('k')).toBeUndefined();
  });
});
