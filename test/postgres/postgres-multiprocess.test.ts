import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkHistory } from 'noclobber/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';
import { newPool, uniqueTable } from './pg-harness.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./hammer-worker.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

const url = (await service('postgres')) as string;

describe.skipIf(!url)('PostgreSQL shared by several OS processes', () => {
  const admin = newPool(url, 2);
  afterAll(() => admin.end());

  it('4 processes x 8 connections on the same 10 rows (update + apply): the oracle finds nothing lost', async () => {
    const table = uniqueTable('race');
    await admin.query(
      `CREATE TABLE ${table} (id text PRIMARY KEY, n double precision NOT NULL, markers jsonb NOT NULL, version integer NOT NULL)`,
    );
    for (let r = 0; r < 10; r++) await admin.query(`INSERT INTO ${table} VALUES ($1, 0, '[]', 1)`, [`row-${r}`]);
    const ops = 25;
    const outputs = await Promise.all(
      [1, 2, 3, 4].map((w) =>
        run(process.execPath, ['--import', tsx, worker, url, table, String(w), '10', String(ops), '8'], {
          maxBuffer: 1 << 24,
        }),
      ),
    );
    const acknowledged = outputs.flatMap((o) => (JSON.parse(o.stdout) as { acknowledged: string[] }).acknowledged);
    expect(acknowledged).toHaveLength(4 * 8 * ops);
    const rows = (await admin.query(`SELECT id, n, markers FROM ${table}`)).rows as {
      id: string;
      n: number;
      markers: string[];
    }[];
    const report = checkHistory({ acknowledged, attempted: acknowledged, rows });
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.ok).toBe(true);
    for (const r of rows) expect(r.n).toBe(r.markers.length);
  }, 180_000);
});
