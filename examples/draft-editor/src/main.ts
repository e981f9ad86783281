// The landing-page draft editor on the embedded SQLite default:
//   npx tsx examples/draft-editor/src/main.ts      then open http://localhost:8090 in two tabs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createDraftEditor } from './draft-server.js';

// A throwaway database unless DRAFTS_DB names one; removed when the server is stopped.
const dir = process.env.DRAFTS_DB ? undefined : mkdtempSync(join(tmpdir(), 'drafts-'));
const file = process.env.DRAFTS_DB ?? join(dir as string, 'drafts.db');
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
const { app, drafts } = await createDraftEditor(file);
await drafts
  .create('landing', { id: 'landing', headline: 'Book your stay', subheadline: 'By the sea', cta: 'Reserve' })
  .catch(() => {});
const port = Number(process.env.PORT ?? 8090);
serve({ fetch: app.fetch, port }, () =>
  console.log(`draft editor on http://localhost:${port} (SQLite at ${file}); open it in two tabs`),
);
