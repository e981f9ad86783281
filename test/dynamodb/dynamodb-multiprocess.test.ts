import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { collection } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { checkHistory } from 'noclobber/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { localClient } from '../../tools/services/index.js';
import { createTable, dynamoEndpoint } from './dynamo-harness.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./hammer-worker.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
const endpoint = await dynamoEndpoint();

describe.skipIf(!endpoint)('DynamoDB shared by several OS processes', () => {
  const admin = localClient(endpoint as string);
  afterAll(() => admin.destroy());

  it('4 processes x 4 clients on the same 5 items (update + apply + withLock leases): the oracle finds nothing lost', async () => {
    const table = await createTable(admin, 'mp', [{ name: 'id', type: 'S' }]);
    const docs = collection(await DynamoStore.open(admin, { table, fields: 'open', json: ['markers'] }));
    for (let r = 0; r < 5; r++) await docs.create(`row-${r}`, { id: `row-${r}`, n: 0, markers: [] });
    const ops = 15;
    const outputs = await Promise.all(
      [1, 2, 3, 4].map((w) =>
        run(process.execPath, ['--import', tsx, worker, endpoint as string, table, String(w), '5', String(ops), '4'], {
          maxBuffer: 1 << 24,
        }),
      ),
    );
    const acknowledged = outputs.flatMap((o) => (JSON.parse(o.stdout) as { acknowledged: string[] }).acknowledged);
    expect(acknowledged).toHaveLength(4 * 4 * ops);
    const rows = [];
    for (let r = 0; r < 5; r++) {
      const v = (await docs.get(`row-${r}`))?.value as { n: number; markers: string[] };
      rows.push({ id: `row-${r}`, n: v.n, markers: v.markers });
    }
    const report = checkHistory({ acknowledged, attempted: acknowledged, rows });
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.ok).toBe(true);
    for (const r of rows) expect(r.n).toBe(r.markers.length);
  }, 180_000);
});
