// The landing-page draft editor on the embedded SQLite default:
//   npx tsx examples/draft-editor/src/main.ts      then open http://localhost:8090 in two tabs
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createDraftEditor } from './draft-server.js';

const file = process.env.DRAFTS_DB ?? join(mkdtempSync(join(tmpdir(), 'drafts-')), 'drafts.db');
const { app, drafts } = await createDraftEditor(file);
await drafts.create('landing', { id: 'landing', headline: 'Book your stay', subheadline: 'By the sea', cta: 'Reserve' }).catch(() => {});
const port = Number(process.env.PORT ?? 8090);
serve({ fetch: app.fetch, port }, () => console.log(`draft editor on http://localhost:${port} (SQLite at ${file}); open it in two tabs`));
