import { collection } from 'noclobber';
import { formatHttpDate, parseHttpDate, serveResource } from 'noclobber/http';
import { PostgresStore } from 'noclobber/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';

// Timestamp versions (PostgreSQL `versionKind: 'timestamp'`) as Last-Modified, judged by
// If-Modified-Since / If-Unmodified-Since on a real server.
const url = await service('postgres');

describe.skipIf(!url)('Last-Modified from a PostgreSQL timestamp version', () => {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  afterAll(() => pool.end());
  const table = `http_lm_${process.pid}`;
  // Made on first use: a skipped suite's body still runs when vitest collects it.
  let made: Promise<{ docs: Awaited<ReturnType<typeof open>>; serve: ReturnType<typeof serveResource> }> | undefined;
  const open = async () =>
    collection(await PostgresStore.open(pool, { table, key: 'id', version: 'updated_at', versionKind: 'timestamp' }));
  const ready = () =>
    (made ??= (async () => {
      await pool.query(`CREATE TABLE ${table} (id text PRIMARY KEY, plan text, updated_at timestamptz NOT NULL)`);
      const docs = await open();
      return { docs, serve: serveResource({ collection: docs, name: 'docs', lastModified: 'version' }) };
    })());
  const call = async (method: string, headers: Record<string, string> = {}, body?: string) => {
    const { serve } = await ready();
    return serve(new Request('http://x/docs/a', { method, headers, ...(body ? { body } : {}) }), 'a');
  };
  const patch = (headers: Record<string, string>) =>
    call('PATCH', { 'content-type': 'application/merge-patch+json', ...headers }, '{"plan":"team"}');

  it('GET sends the row’s own updated_at (to the second) as Last-Modified; the date conditions are judged against it', async () => {
    const { docs } = await ready();
    await docs.create('a', { id: 'a', plan: 'pro' });
    const stored = (
      await pool.query(`SELECT floor(extract(epoch from updated_at))::bigint AS s FROM ${table} WHERE id = 'a'`)
    ).rows[0].s as string;
    const got = await call('GET');
    const lm = got.headers.get('last-modified') as string;
    expect(lm).toBe(formatHttpDate(Number(stored)));
    expect(Math.abs((parseHttpDate(lm) as number) - Date.now() / 1000)).toBeLessThan(120);
    const earlier = formatHttpDate((parseHttpDate(lm) as number) - 1);
    expect((await call('GET', { 'if-modified-since': lm })).status).toBe(304);
    expect((await call('GET', { 'if-modified-since': earlier })).status).toBe(200);
    // A precondition on the date alone guards a write: modified after it → 412, nothing written.
    const refused = await patch({ 'if-unmodified-since': earlier });
    expect(refused.status).toBe(412);
    expect((await docs.get('a'))?.value.plan).toBe('pro');
    // With If-Match present the date is ignored (RFC 9110 §13.1.4).
    const ok = await patch({ 'if-match': got.headers.get('etag') as string, 'if-unmodified-since': earlier });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('last-modified')).not.toBeNull();
    expect((await docs.get('a'))?.value.plan).toBe('team');
  });
});
