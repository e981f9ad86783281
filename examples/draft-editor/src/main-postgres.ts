// Seed 002 on its own stack: the draft in the shared `tenants` row on PostgreSQL.
//   DATABASE_URL=postgres://… npx tsx examples/draft-editor/src/main-postgres.ts
// then open http://localhost:8091/?tenant=acme in two tabs, and change the plan from psql
// (UPDATE tenants SET plan = 'enterprise' WHERE id = 'acme') while typing: both survive.
import { serve } from '@hono/node-server';
import pg from 'pg';
import { createTenantDraftEditor } from './tenant-draft-server.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to a PostgreSQL database');
const pool = new pg.Pool({ connectionString: url });
pool.on('error', () => {});
const { app } = await createTenantDraftEditor(pool);
await pool.query(
  `INSERT INTO tenants (id, name, plan, "landingPageConfigDraft") VALUES ('acme', 'Acme Stays', 'pro', $1) ON CONFLICT (id) DO NOTHING`,
  [
    JSON.stringify({
      headline: 'Book your stay',
      subheadline: 'By the sea',
      cta: 'Reserve',
      sections: [{ id: 's1', title: 'Rooms' }],
    }),
  ],
);
const port = Number(process.env.PORT ?? 8091);
serve({ fetch: app.fetch, port }, () =>
  console.log(`tenant draft editor on http://localhost:${port}/?tenant=acme; open it in two tabs`),
);
