import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { collection, field, inc, merge, set } from 'noclobber';
import { DynamoStore, type DynamoStoreConfig } from 'noclobber/dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { mapDynamoError } from '../../src/stores/dynamodb/dynamodb-errors.js';
import { localClient } from '../../tools/services/index.js';
import { rejects } from '../conformance/support.js';
import { answerLost, counting } from './dynamo-faults.js';
import { createTable, dynamoEndpoint } from './dynamo-harness.js';

const endpoint = await dynamoEndpoint();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!endpoint)('DynamoDB: conditional writes, transactions and leases on DynamoDB Local', () => {
  const clients = Array.from({ length: 4 }, () => localClient(endpoint as string));
  const main = clients[0]!;
  afterAll(() => {
    for (const c of clients) c.destroy();
  });

  async function table(config: Omit<DynamoStoreConfig, 'table'> = {}, keyType: 'S' | 'N' = 'S') {
    const name = await createTable(main, 'races', [{ name: 'id', type: keyType }]);
    return { name, config: { table: name, fields: 'open' as const, json: ['data', 'tags'], ...config } };
  }

  it('a conflict carries the current item from the failed write itself: one request, no read', async () => {
    const { config } = await table();
    const docs = collection(await DynamoStore.open(main, config));
    const v1 = await docs.create('a', { id: 'a', n: 1 });
    const v2 = await docs.apply('a', [inc('n', 1)]);
    const spy = counting(main);
    const watched = collection(await DynamoStore.open(spy.client, config));
    spy.sent.length = 0;
    const err = await rejects(() => watched.apply('a', [inc('n', 5)], { expect: { version: v1.version } }));
    expect(err).toMatchObject({ code: 'conflict', reason: 'stale', expected: v1.version, actual: v2.version });
    expect((err.current as { value: { n: number } }).value.n).toBe(2);
    expect(spy.sent).toEqual(['UpdateItem']);
    const guard = await rejects(() =>
      watched.apply('a', [set('title', 'x')], { expect: { where: [field('n').gt(10)] } }),
    );
    expect(guard).toMatchObject({ code: 'guard_failed', actual: 2 });
    expect(spy.sent).toEqual(['UpdateItem', 'UpdateItem']);
  });

  it('merges, increments and set-adds are one UpdateItem each with no read; a missing parent is rebased on the returned item', async () => {
    const { config } = await table();
    const spy = counting(main);
    const docs = collection(await DynamoStore.open(spy.client, config));
    await docs.create('a', { id: 'a', n: 0, data: {}, tags: [] });
    spy.sent.length = 0;
    await docs.apply('a', [merge('data', { K1: 'v1' }), inc('n', 2), { op: 'add', path: 'tags', value: 'x' }]);
    expect(spy.sent).toEqual(['UpdateItem']);
    spy.sent.length = 0;
    // data.deep does not exist: the pushdown's structural condition fails atomically and the
    // write is recomputed on the item the failure returned, conditioned on its version.
    const written = await docs.apply('a', [set('data.deep.er', 1)]);
    expect(spy.sent).toEqual(['UpdateItem', 'UpdateItem']);
    expect(written.value).toMatchObject({ n: 2, data: { K1: 'v1', deep: { er: 1 } }, tags: ['x'] });
  });

  it('a leased record: the store refuses plain writes (LockBusyError); collections wait for the lease like a row lock and write after its holder', async () => {
    const { config } = await table();
    const holder = collection(await DynamoStore.open(clients[1]!, config));
    const otherStore = await DynamoStore.open(clients[2]!, config);
    const other = collection(otherStore);
    const impatient = collection(otherStore, { lockTimeoutMs: 150 });
    await holder.create('a', { id: 'a', n: 0 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const holding = holder.withLock('a', async (locked) => {
      entered();
      await held;
      return locked.apply([inc('n', 10)]);
    });
    await inside;
    // The store contract: one attempt, refused with a retryable LockBusyError, nothing written.
    const busy = await rejects(() =>
      otherStore.write({ key: 'a', change: { ops: [{ op: 'inc', path: ['n'], by: 1 }] }, expect: {} }),
    );
    expect(busy).toMatchObject({ code: 'lock_busy', retryable: true, httpStatus: 503 });
    // A collection's plain write waits for the lease (up to its lock timeout), like UPDATE on a locked row.
    expect(
      await rejects(() =>
        impatient.replace('a', { id: 'a', n: 99 }, { expect: { exists: true }, retry: { attempts: 1 } }),
      ),
    ).toMatchObject({
      code: 'lock_timeout',
      retryable: true,
    });
    let landed = false;
    const waiting = other.apply('a', [inc('n', 1)]).then((s) => {
      landed = true;
      return s;
    });
    await sleep(150);
    expect(landed).toBe(false);
    expect((await other.get('a'))?.value.n).toBe(0);
    release();
    expect((await holding).value.n).toBe(10);
    expect((await waiting).value.n).toBe(11); // after the holder, never instead of it
  });

  it('stale lease: a holder paused past its lease is refused (LockLostError), the next holder’s write stands, fencing tokens increase', async () => {
    const { config } = await table();
    const first = collection(await DynamoStore.open(clients[1]!, config));
    const second = collection(await DynamoStore.open(clients[2]!, config));
    await first.create('a', { id: 'a', owner: 'nobody' });
    const fences: number[] = [];
    const paused = first.withLock(
      'a',
      async (locked) => {
        fences.push(locked.fencingToken as number);
        await sleep(700); // a GC pause, a slow upstream call: longer than the lease
        return locked.apply([set('owner', 'first')]);
      },
      { leaseMs: 250, retry: { attempts: 1 } },
    );
    await sleep(400);
    await second.withLock('a', async (locked) => {
      fences.push(locked.fencingToken as number);
      await locked.apply([set('owner', 'second')]);
    });
    const err = await paused.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'lock_lost' });
    expect((await first.get('a'))?.value.owner).toBe('second');
    expect(fences).toHaveLength(2);
    expect(fences[1]).toBeGreaterThan(fences[0] as number);
  });

  it('transact: a record read by the transaction and changed before its commit re-runs the closure; applied exactly once', async () => {
    const { config } = await table();
    const accounts = collection(await DynamoStore.open(clients[1]!, config));
    const meddler = collection(await DynamoStore.open(clients[2]!, config));
    await accounts.create('a', { id: 'a', n: 100 });
    await accounts.create('b', { id: 'b', n: 0 });
    let runs = 0;
    await accounts.transact(async (tx) => {
      runs++;
      const a = await tx.get('a');
      if (runs === 1) await meddler.apply('a', [inc('n', -50)]); // lands between our read and our commit
      await tx.replace('a', { id: 'a', n: (a?.value.n as number) - 10 }, { expect: { version: a?.version as string } });
      await tx.apply('b', [inc('n', 10)]);
    });
    expect(runs).toBe(2);
    expect((await accounts.get('a'))?.value.n).toBe(40);
    expect((await accounts.get('b'))?.value.n).toBe(10);
  });

  it('transact: a commit whose answer was lost is resent with the same ClientRequestToken and applied once', async () => {
    const { config } = await table();
    const flaky = collection(await DynamoStore.open(answerLost(main, 'TransactWriteItems'), config));
    await flaky.create('a', { id: 'a', n: 0 });
    await flaky.create('b', { id: 'b', n: 0 });
    await flaky.transact(async (tx) => {
      await tx.apply('a', [inc('n', 1)]);
      await tx.apply('b', [inc('n', 1)]);
    });
    expect((await flaky.get('a'))?.value.n).toBe(1);
    expect((await flaky.get('b'))?.value.n).toBe(1);
  });

  it('a single write whose answer was lost is CommitUnknownError, never re-sent', async () => {
    const { config } = await table();
    const flaky = collection(await DynamoStore.open(answerLost(main, 'UpdateItem'), config));
    await flaky.create('a', { id: 'a', n: 0 });
    const err = await rejects(() => flaky.apply('a', [inc('n', 1)]));
    expect(err).toMatchObject({ code: 'commit_unknown', retryable: false });
    expect((await flaky.get('a'))?.value.n).toBe(1); // it was applied, once
  });

  it('transact over more than 100 records is refused before anything is written', async () => {
    const { config } = await table();
    const docs = collection(await DynamoStore.open(main, config));
    const err = await rejects(() =>
      docs.transact(async (tx) => {
        for (let i = 0; i < 101; i++) await tx.create(`r${i}`, { id: `r${i}` });
      }),
    );
    expect(err).toMatchObject({ code: 'invalid_change', reason: 'too_many_items', httpStatus: 422 });
    expect(await docs.get('r0')).toBeUndefined();
  });

  it('an item over 400 KB, or over maxItemBytes, is refused before it is sent; the record is unchanged', async () => {
    const { config } = await table({ maxItemBytes: 2048 });
    const spy = counting(main);
    const docs = collection(await DynamoStore.open(spy.client, config), { maxPatchBytes: 1 << 20 });
    spy.sent.length = 0;
    expect(await rejects(() => docs.create('big', { id: 'big', title: 'x'.repeat(3000) }))).toMatchObject({
      code: 'too_large',
      what: 'item',
      limitBytes: 2048,
    });
    expect(spy.sent).toEqual([]);
    const small = await docs.create('a', { id: 'a', title: 'x' });
    expect(await rejects(() => docs.apply('a', [merge('data', { blob: 'y'.repeat(2100) })]))).toMatchObject({
      code: 'too_large',
      what: 'item',
    });
    expect((await docs.get('a'))?.version).toBe(small.version);
    const { config: plain } = await table();
    const huge = collection(await DynamoStore.open(main, plain), { maxPatchBytes: 1 << 20 });
    expect(await rejects(() => huge.create('h', { id: 'h', title: 'z'.repeat(410 * 1024) }))).toMatchObject({
      code: 'too_large',
      what: 'item',
      limitBytes: 400 * 1024,
    });
  });

  it('items written before noclobber (no version attribute) read as version "0"; the first write versions them', async () => {
    const { name, config } = await table();
    await main.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'legacy' }, title: { S: 'old' } } }));
    const docs = collection(await DynamoStore.open(main, config));
    const snap = await docs.get('legacy');
    expect(snap?.version).toBe('0');
    expect(await rejects(() => docs.create('legacy', { id: 'legacy' }))).toMatchObject({
      code: 'conflict',
      reason: 'exists',
    });
    const v1 = await docs.replace('legacy', { id: 'legacy', title: 'new' }, { expect: { version: '0' } });
    expect(v1.version).toBe('1');
    expect(
      await rejects(() => docs.replace('legacy', { id: 'legacy', title: 'late' }, { expect: { version: '0' } })),
    ).toMatchObject({ reason: 'stale' });
  });

  it('timestamp versions (updated_at) strictly increase, even when the stored one is ahead of this clock', async () => {
    const { name, config } = await table({ version: 'updated_at', versionKind: 'timestamp' });
    const docs = collection(await DynamoStore.open(main, config));
    const seen = [(await docs.create('a', { id: 'a', n: 0 })).version];
    for (let i = 0; i < 5; i++) seen.push((await docs.apply('a', [inc('n', 1)])).version);
    for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true);
    expect(seen[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // Another writer's clock ran ahead: our next version must still be later than its.
    await main.send(
      new PutItemCommand({
        TableName: name,
        Item: { id: { S: 'b' }, n: { N: '0' }, updated_at: { S: '2999-01-01T00:00:00.000Z' } },
      }),
    );
    const after = await docs.apply('b', [inc('n', 1)]);
    expect(after.version).toBe('2999-01-01T00:00:00.000001Z'); // one microsecond after the stored one
    const stale = await rejects(() =>
      docs.apply('b', [inc('n', 1)], { expect: { version: '2999-01-01T00:00:00.000Z' } }),
    );
    expect(stale).toMatchObject({ reason: 'stale', actual: after.version });
  });

  it('bad input is a typed error with the item untouched: the lease attribute, a key of the wrong type', async () => {
    const { config } = await table();
    const docs = collection(await DynamoStore.open(main, config));
    const created = await docs.create('a', { id: 'a', n: 1 });
    expect(await rejects(() => docs.apply('a', [set('_nc_lease', { token: 'forged', until: 9e15 })]))).toMatchObject({
      reason: 'protected_field',
    });
    expect(await rejects(() => docs.apply('a', [merge('', { _nc_lease: { token: 'x' } })]))).toMatchObject({
      reason: 'protected_field',
    });
    expect(
      await rejects(() => docs.replace('a', { id: 'a', _nc_lease: { token: 'x' } }, { expect: { exists: true } })),
    ).toMatchObject({
      reason: 'protected_field',
    });
    expect(await rejects(() => docs.apply(7, [inc('n', 1)]))).toMatchObject({
      code: 'invalid_change',
      reason: 'bad_key',
    });
    const after = await docs.get('a');
    expect(after?.version).toBe(created.version);
    expect(after?.value).toEqual({ id: 'a', n: 1 });
  });

  it('maps throttling and transaction conflicts to a retryable TransientError, by exception name', () => {
    expect(
      mapDynamoError({ name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } }, 'write'),
    ).toMatchObject({
      code: 'transient',
      reason: 'throttled',
    });
    expect(
      mapDynamoError({ name: 'TransactionConflictException', $metadata: { httpStatusCode: 400 } }, 'write'),
    ).toMatchObject({
      code: 'transient',
      reason: 'serialization',
    });
    expect(mapDynamoError({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }, 'write')).toMatchObject({
      code: 'commit_unknown',
    });
    expect(mapDynamoError({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }, 'read')).toMatchObject({
      code: 'transient',
      reason: 'connection',
    });
  });
});
