import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, type DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { add, CommitUnknownError, collection, inc } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localClient } from '../../tools/services/index.js';
import { answerLost, faultSequence } from '../dynamodb/dynamo-faults.js';
import { service } from '../setup/services.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';
import { expectTruthful, progress, runWorkers } from './workers.js';

const endpoint = await service('dynamodb');
let seq = 0;

/** A table of counters with markers (`n` counts writes, `markers` names them). */
async function markerTable(client: DynamoDBClient, rows: readonly string[]): Promise<string> {
  const name = `faults_${process.pid}_${++seq}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  for (const id of rows)
    await client.send(
      new PutItemCommand({
        TableName: name,
        Item: { id: { S: id }, n: { N: '0' }, markers: { L: [] }, version: { N: '1' } },
      }),
    );
  return name;
}

async function readRows(client: DynamoDBClient, table: string): Promise<Map<string, { n: number; markers: string[] }>> {
  const out = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return new Map(
    (out.Items ?? []).map((i) => [
      i.id?.S as string,
      { n: Number(i.n?.N), markers: (i.markers?.L ?? []).map((m) => m.S as string) },
    ]),
  );
}

describe.skipIf(!endpoint)('fault injection on DynamoDB Local: every error tells what happened', () => {
  const admin = localClient(endpoint as string);
  let proxy: TcpProxy | undefined;
  afterAll(async () => {
    admin.destroy();
    await proxy?.close();
  });

  it('lost answers: a single write is CommitUnknownError (and was applied); a transaction is re-sent with its token and applied once', async () => {
    const table = await markerTable(admin, ['row-0', 'row-1']);
    const single = collection(await DynamoStore.open(answerLost(admin, 'UpdateItem'), { table, json: ['markers'] }));
    const err = await single.apply('row-0', [inc('n', 1), add('markers', 'lost-1')]).catch((e) => e);
    expect(err).toBeInstanceOf(CommitUnknownError);
    const tx = collection(
      await DynamoStore.open(answerLost(admin, 'TransactWriteItems'), { table, json: ['markers'] }),
    );
    await tx.transact(async (t) => {
      await t.apply('row-0', [inc('n', 1), add('markers', 'lost-2')]);
      await t.apply('row-1', [inc('n', 1), add('markers', 'lost-2')]);
    });
    const rows = await readRows(admin, table);
    expect(rows.get('row-0')).toEqual({ n: 2, markers: ['lost-1', 'lost-2'] });
    expect(rows.get('row-1')).toEqual({ n: 1, markers: ['lost-2'] });
    console.log(
      'dynamodb lost answers: 1 CommitUnknownError, 1 of them applied; the transaction applied once after its re-send',
    );
  });

  it('a transaction whose answer was lost and whose re-send is refused is re-sent with its token until DynamoDB answers: applied once, never re-run', async () => {
    const table = await markerTable(admin, ['row-0', 'row-1']);
    const faults = ['lost', 'refused', 'refused', 'lost'] as const;
    const tx = collection(
      await DynamoStore.open(faultSequence(admin, 'TransactWriteItems', faults), { table, json: ['markers'] }),
    );
    let runs = 0;
    await tx.transact(async (t) => {
      runs++;
      await t.apply('row-0', [inc('n', 1), add('markers', 'once')]);
      await t.apply('row-1', [inc('n', 1), add('markers', 'once')]);
    });
    expect(runs).toBe(1);
    const rows = await readRows(admin, table);
    expect(rows.get('row-0')).toEqual({ n: 1, markers: ['once'] });
    expect(rows.get('row-1')).toEqual({ n: 1, markers: ['once'] });
  });

  it('workers killed with SIGKILL before sending and after DynamoDB applied (single writes and transactions): nothing acknowledged lost, nothing applied twice', async () => {
    const table = await markerTable(admin, ['w1-a', 'w1-b', 'w2-a', 'w2-b', 'w3-a', 'w3-b', 'w4-a', 'w4-b']);
    const outcomes = await runWorkers('dynamo-kill-worker.ts', [
      [endpoint as string, table, '1', 'before-send', 'apply'],
      [endpoint as string, table, '2', 'applied-unanswered', 'apply'],
      [endpoint as string, table, '3', 'before-send', 'transact'],
      [endpoint as string, table, '4', 'applied-unanswered', 'transact'],
    ]);
    for (const o of outcomes) expect(o.signal, JSON.stringify(o)).toBe('SIGKILL');
    const report = expectTruthful(outcomes, await readRows(admin, table));
    console.log(
      `dynamodb SIGKILL: ${report.acknowledged} acknowledged, ${report.inflight} in flight at the kill, ${report.inflightApplied} of them applied`,
    );
    expect(report.acknowledged).toBe(8);
    expect(report.inflight).toBe(4);
    expect(report.inflightApplied).toBe(2);
  }, 60_000);

  it('DynamoDB unreachable under load (connections cut mid-request, then refused, then back): every error typed and true, acknowledged writes kept once', async () => {
    proxy = await startProxy(endpoint as string);
    const table = await markerTable(admin, ['row-0', 'row-1', 'row-2', 'row-3']);
    const stopDir = mkdtempSync(join(tmpdir(), 'nc-stop-'));
    const stop = join(stopDir, 'stop');
    const work = runWorkers('load-worker.ts', [
      ['dynamodb', proxy.endpoint, table, '1', '4', stop],
      ['dynamodb', proxy.endpoint, table, '2', '4', stop],
    ]);
    const written = async () => [...(await readRows(admin, table)).values()].reduce((a, r) => a + r.n, 0);
    // Cut the network once the workers are writing; stop them once they wrote again after it.
    const before = await progress(written, 0, 20);
    await proxy.outage(1000);
    const after = await progress(written, before, 20);
    writeFileSync(stop, '');
    const outcomes = await work;
    rmSync(stopDir, { recursive: true, force: true });
    const report = expectTruthful(outcomes, await readRows(admin, table));
    expect(after).toBeGreaterThanOrEqual(before + 20);
    console.log(
      `dynamodb outage under load: ${report.acknowledged} acknowledged, ${report.unknown} CommitUnknownError (${report.unknownApplied} applied), ${report.failed} failed typed (${JSON.stringify(report.failures)}), retried by cause ${JSON.stringify(report.retries)}`,
    );
    // `written` counts row writes (the rows' n; a transaction writes two rows): every row write
    // seen during the run belongs to a write that was acknowledged or ended unknown, and none
    // was undone later.
    const final = [...(await readRows(admin, table)).values()].reduce((a, r) => a + r.n, 0);
    expect(final).toBeGreaterThanOrEqual(after);
    expect(report.acknowledgedRows + report.unknownRows).toBeGreaterThanOrEqual(after);
    expect(report.acknowledgedRows).toBeGreaterThan(before);
    expect(report.retries.connection ?? 0).toBeGreaterThan(0);
  }, 60_000);
});
