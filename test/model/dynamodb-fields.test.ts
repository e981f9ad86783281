import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type Collection, collection, inc, merge, type Row, set } from 'noclobber';
import { DynamoStore, type DynamoStoreConfig } from 'noclobber/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClient } from '../../tools/services/index.js';
import { rejects, withoutNulls } from '../conformance/support.js';
import { createTable, dynamoEndpoint } from '../dynamodb/dynamo-harness.js';

const endpoint = await dynamoEndpoint();

/**
 * What a DynamoDB store lets a write add. Without a `fields` list an item's attributes are
 * its schema: writes change them but never add one (an HTTP resource cannot be
 * mass-assigned); `fields: 'open'` opts out. With a list, items may carry attributes it
 * does not name (written by older code): they are kept as they are and round-trip.
 */
describe.skipIf(!endpoint)('DynamoDB: which attributes a write may add', () => {
  let client: DynamoDBClient;
  beforeAll(() => {
    client = localClient(endpoint as string);
  });
  afterAll(() => client?.destroy());

  async function open(config: Omit<DynamoStoreConfig, 'table'>): Promise<{ docs: Collection<Row>; table: string }> {
    const table = await createTable(client, 'fields', [{ name: 'id', type: 'S' }]);
    return {
      docs: collection(await DynamoStore.open(client, { table, json: ['data', 'tags', 'settings'], ...config }), {
        retry: { attempts: 1 },
      }),
      table,
    };
  }

  it('without fields: ops and replaces may change attributes an item has, never add one', async () => {
    const { docs } = await open({});
    const v1 = await docs.create('a', { id: 'a', role: 'user', n: 1, data: { x: 1 }, tags: ['t'] });
    const attempts: (() => Promise<unknown>)[] = [
      () => docs.apply('a', [set('admin', true)]),
      () => docs.apply('a', [inc('credits', 100)]),
      () => docs.apply('a', [merge('', { admin: true })]),
      () => docs.apply('a', [set(['settings', 'k'], 1)]),
      () => docs.apply('a', [{ op: 'add', path: 'settings', value: 'admins' }]),
      () => docs.replace('a', { id: 'a', role: 'user', n: 1, admin: true }, { expect: { version: v1.version } }),
      () => docs.replace('a', { id: 'a', role: 'user', admin: true }, { expect: { exists: true } }),
      () => docs.update('a', (v) => ({ ...v, admin: true })),
    ];
    for (const attempt of attempts) {
      expect(await rejects(attempt)).toMatchObject({ code: 'invalid_change', reason: 'unknown_field' });
      const after = await docs.get('a');
      expect(after?.version).toBe(v1.version);
      expect(withoutNulls(after?.value)).toEqual(withoutNulls(v1.value));
    }
    const written = await docs.apply('a', [
      set('role', 'editor'),
      inc('n', 1),
      set('data.y', 2),
      { op: 'add', path: 'tags', value: 'u' },
    ]);
    expect(withoutNulls(written.value)).toEqual({
      id: 'a',
      role: 'editor',
      n: 2,
      data: { x: 1, y: 2 },
      tags: ['t', 'u'],
    });
    const replaced = await docs.replace('a', { id: 'a', role: 'viewer' }, { expect: { version: written.version } });
    expect(withoutNulls(replaced.value)).toEqual({ id: 'a', role: 'viewer' });
    // An attribute a write removed is gone: adding it back is adding.
    expect(await rejects(() => docs.apply('a', [set('n', 1)]))).toMatchObject({ reason: 'unknown_field' });
  });

  it("fields: 'open' lets any write add attributes", async () => {
    const { docs } = await open({ fields: 'open' });
    const v1 = await docs.create('a', { id: 'a', n: 1 });
    await docs.apply('a', [set('admin', true), inc('credits', 5), merge('', { z: 'z' })]);
    const v3 = await docs.replace('a', { id: 'a', other: 1 }, { expect: { version: String(Number(v1.version) + 1) } });
    expect(withoutNulls(v3.value)).toEqual({ id: 'a', other: 1 });
  });

  it('with fields: attributes the list does not name are kept by every write, and may ride along only unchanged', async () => {
    const { docs, table } = await open({ fields: ['id', 'name', 'data'] });
    // An item written by the application before noclobber: no version, extra attributes.
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          id: { S: 'p' },
          name: { S: 'kit' },
          legacy_sku: { S: 'SKU-1' },
          flags: { M: { a: { BOOL: true } } },
          data: { M: {} },
        },
      }),
    );
    const read = await docs.get('p');
    expect(read?.value).toEqual({ id: 'p', name: 'kit', legacy_sku: 'SKU-1', flags: { a: true }, data: {} });
    const updated = await docs.update('p', (v) => ({ ...v, name: 'Kit' }));
    expect(updated.value).toEqual({ id: 'p', name: 'Kit', legacy_sku: 'SKU-1', flags: { a: true }, data: {} });
    // A value without them keeps them; a value changing one is refused; ops cannot name them.
    const replaced = await docs.replace(
      'p',
      { id: 'p', name: 'Kit 2', data: { x: 1 } },
      { expect: { version: updated.version } },
    );
    expect(replaced.value).toEqual({ id: 'p', name: 'Kit 2', legacy_sku: 'SKU-1', flags: { a: true }, data: { x: 1 } });
    expect(await rejects(() => docs.update('p', (v) => ({ ...v, legacy_sku: 'SKU-2' })))).toMatchObject({
      reason: 'unknown_field',
      path: ['legacy_sku'],
    });
    expect(await rejects(() => docs.apply('p', [set('legacy_sku', 'x')]))).toMatchObject({ reason: 'unknown_field' });
    expect(await rejects(() => docs.create('q', { id: 'q', legacy_sku: 'x' }))).toMatchObject({
      reason: 'unknown_field',
    });
    expect(await docs.get('q')).toBeUndefined();
    expect((await docs.get('p'))?.value).toEqual(replaced.value);
  });

  it('keys DynamoDB cannot hold are bad_key before anything is sent', async () => {
    const { docs } = await open({ fields: 'open' });
    expect(await rejects(() => docs.create('k'.repeat(2049), { id: 'k'.repeat(2049) }))).toMatchObject({
      reason: 'bad_key',
    });
    expect(await rejects(() => docs.get('\ud800'))).toMatchObject({ reason: 'bad_key' });
    await docs.create('k'.repeat(2048), { id: 'k'.repeat(2048) });
  });
});
