import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDraftEditor } from './src/draft-server.js';

describe('seed 002: /drafts/:id is the noclobber resource for every method (no browser needed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nc-drafts-api-'));
  const editor = createDraftEditor(join(dir, 'drafts.db'));
  afterAll(async () => {
    (await editor).close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves GET and PATCH only: OPTIONS lists them, PUT and DELETE are 405 with Allow and write nothing', async () => {
    const { app, drafts } = await editor;
    await drafts.create('d1', {
      id: 'd1',
      headline: 'Book your stay',
      subheadline: 'By the sea',
      cta: 'Reserve',
      sections: [],
    });
    const options = await app.request('/drafts/d1', { method: 'OPTIONS' });
    expect([options.status, options.headers.get('allow'), options.headers.get('accept-patch')]).toEqual([
      204,
      'GET, HEAD, PATCH, OPTIONS',
      'application/merge-patch+json, application/vnd.noclobber.ops+json',
    ]);
    for (const method of ['PUT', 'DELETE']) {
      const r = await app.request('/drafts/d1', {
        method,
        headers: { 'if-match': '*', 'content-type': 'application/json' },
        body: method === 'PUT' ? '{}' : null,
      });
      expect([method, r.status, r.headers.get('allow')]).toEqual([method, 405, 'GET, HEAD, PATCH, OPTIONS']);
    }
    expect((await drafts.get('d1'))?.value).toMatchObject({ headline: 'Book your stay', cta: 'Reserve' });
    const get = await app.request('/drafts/d1');
    const patched = await app.request('/drafts/d1', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': get.headers.get('etag') as string },
      body: '{"cta":"Book now"}',
    });
    expect(patched.status).toBe(200);
    expect((await drafts.get('d1'))?.value).toMatchObject({ cta: 'Book now', headline: 'Book your stay' });
  });
});
