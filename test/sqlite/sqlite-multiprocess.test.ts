import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { add, collection, inc } from 'noclobber';
import { SqliteStore } from 'noclobber/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { openFile } from './sqlite-harness.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./hammer-worker.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

describe('SQLite file shared by several OS processes (WAL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nc-mp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('3 processes x (update + apply) on the same rows: every acknowledged marker present exactly once, counters exact', async () => {
    const file = join(dir, 'shared.db');
    const db = openFile(file);
    db.exec(
      'CREATE TABLE race_rows (id TEXT PRIMARY KEY, version INTEGER NOT NULL, n REAL NOT NULL, markers TEXT NOT NULL)',
    );
    const rows = 3;
    const local = collection(new SqliteStore(db, { table: 'race_rows', key: 'id', json: ['markers'] }));
    for (let r = 0; r < rows; r++) await local.create(`row-${r}`, { id: `row-${r}`, n: 0, markers: [] });

    const ops = 150;
    const children = [1, 2, 3].map((w) =>
      run(process.execPath, ['--import', tsx, worker, file, 'race_rows', String(w), String(rows), String(ops)], {
        cwd: process.cwd(),
        maxBuffer: 1 << 24,
      }),
    );
    // The test process writes the same rows at the same time, as a fourth writer.
    const mine: string[] = [];
    for (let i = 0; i < ops; i++) {
      const marker = `p0-${i}`;
      await local.apply(`row-${i % rows}`, [inc('n', 1), add('markers', marker)]);
      mine.push(marker);
    }
    const outputs = await Promise.all(children);
    const acknowledged = [
      ...mine,
      ...outputs.flatMap((o) => (JSON.parse(o.stdout) as { acknowledged: string[] }).acknowledged),
    ];
    expect(acknowledged).toHaveLength(4 * ops);

    let total = 0;
    const seen: string[] = [];
    for (let r = 0; r < rows; r++) {
      const snap = await local.get(`row-${r}`);
      const markers = snap?.value.markers as string[];
      expect(snap?.value.n).toBe(markers.length);
      total += snap?.value.n as number;
      seen.push(...markers);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...acknowledged].sort());
    expect(total).toBe(4 * ops);
    db.close();
  }, 120_000);
});
