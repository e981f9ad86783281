// Seed 003's billing API on the embedded SQLite default:
//   npx tsx examples/subscriptions/src/main.ts        (BILLING_DB=path to keep the data)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { billingApp } from './billing-app.js';
import { openSqliteBilling } from './open-billing.js';

// A throwaway database unless BILLING_DB names one; removed when the server is stopped.
const dir = process.env.BILLING_DB ? undefined : mkdtempSync(join(tmpdir(), 'billing-'));
const file = process.env.BILLING_DB ?? join(dir as string, 'billing.db');
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
const db = new Database(file);
db.pragma('journal_mode = WAL');
const collections = openSqliteBilling(db);
await collections.subscriptions
  .create('sub_1', { id: 'sub_1', customer: 'acme', plan_id: 'pro', status: 'active', notes: '' })
  .catch(() => {});
const port = Number(process.env.PORT ?? 8787);
serve({ fetch: billingApp(collections).fetch, port }, () => {
  console.log(`billing API on http://localhost:${port} (SQLite at ${file})`);
  console.log(`  curl -i localhost:${port}/subscriptions/sub_1`);
  console.log(
    `  curl -i -X PATCH localhost:${port}/subscriptions/sub_1 -H 'content-type: application/merge-patch+json' -d '{"notes":"hi","version":1}'`,
  );
  console.log(
    `  curl -i -X PATCH 'localhost:${port}/subscriptions/sub_1?force=true' -H 'x-role: admin' -H 'x-user: ops' -H 'content-type: application/merge-patch+json' -d '{"status":"canceled"}'`,
  );
});
