import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Collection } from 'noclobber';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { service } from '../../test/setup/services.js';
import { createStackEnvServer } from './src/server.js';
import { openStacks, type Stack } from './src/stacks.js';

const url = (await service('postgres')) as string;

describe.skipIf(!url)('seed 004: PATCH /stacks/:slug/env on PostgreSQL', () => {
  let pool: pg.Pool;
  let admin: pg.Pool;
  let stacks: Collection<Stack>;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // Every statement waits at most 300 ms for a row lock (the service's lock timeout).
    pool = new pg.Pool({ connectionString: url, max: 16, options: '-c lock_timeout=300' });
    pool.on('error', () => {});
    admin = new pg.Pool({ connectionString: url, max: 2 });
    admin.on('error', () => {});
    stacks = await openStacks(pool);
    server = createStackEnvServer(stacks).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await pool.end();
    await admin.end();
  });
  beforeEach(async () => {
    await admin.query('DELETE FROM stacks');
    await stacks.create('web', { slug: 'web', status: 'active', env_vars: {} });
  });

  const patch = async (slug: string, env: unknown) => {
    const res = await fetch(`${base}/stacks/${slug}/env`, {
      method: 'PATCH',
      body: typeof env === 'string' ? env : JSON.stringify({ env }),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown>,
    };
  };
  const row = async () =>
    (await admin.query(`SELECT env_vars, version, status FROM stacks WHERE slug = 'web'`)).rows[0];

  it('16 concurrent PATCHes of different keys: all 16 keys survive, each in one statement', async () => {
    const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => patch('web', { [`KEY_${i}`]: `v${i}` })));
    for (const r of replies) expect(r).toMatchObject({ status: 200, body: { keys_set: 1, keys_deleted: 0 } });
    const { env_vars, version } = await row();
    expect(Object.keys(env_vars).sort()).toEqual(Array.from({ length: 16 }, (_, i) => `KEY_${i}`).sort());
    expect(version).toBe(17);
  });

  it('counts honestly: a delete of an absent key is neither, re-setting the same value is not a set', async () => {
    await patch('web', { A: '1', B: '2' });
    const r = await patch('web', { A: '1', B: null, C: '3', GHOST: null, EMPTY: '' });
    expect(r.body).toMatchObject({ keys_set: 1, keys_deleted: 1, env: { A: '1', C: '3' } });
  });

  it('409 stack_deleting when the stack is being torn down (guard in the same statement), nothing written', async () => {
    await admin.query(`UPDATE stacks SET status = 'deleting' WHERE slug = 'web'`);
    const before = await row();
    const r = await patch('web', { A: '1' });
    expect(r).toMatchObject({ status: 409, type: 'application/problem+json', body: { code: 'stack_deleting' } });
    expect(await row()).toEqual(before);
  });

  it('404 for a missing stack', async () => {
    expect(await patch('nope', { A: '1' })).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('413 for a patch over 64 KiB, refused before any query', async () => {
    const r = await patch('web', { BIG: 'x'.repeat(70 * 1024) });
    expect(r).toMatchObject({ status: 413, body: { code: 'env_too_large' } });
    expect((await row()).version).toBe(1);
  });

  it('413 when the merged environment would pass 64 KiB, enforced in the statement', async () => {
    await patch('web', { A: 'a'.repeat(40 * 1024) });
    const before = await row();
    const r = await patch('web', { B: 'b'.repeat(30 * 1024) });
    expect(r).toMatchObject({ status: 413, body: { code: 'env_too_large', limitBytes: 65536 } });
    expect(await row()).toEqual(before);
  });

  it('503 persist_failed (retryable) when the row stays locked past the lock timeout; then it goes through', async () => {
    const holder = await admin.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT * FROM stacks WHERE slug = 'web' FOR UPDATE`);
      const r = await patch('web', { A: '1' });
      expect(r).toMatchObject({ status: 503, body: { code: 'persist_failed', retryable: true } });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(await patch('web', { A: '1' })).toMatchObject({ status: 200, body: { keys_set: 1 } });
  });

  it('400 for bad input, nothing written: prototype keys, non-string values, bad names, non-JSON', async () => {
    for (const body of [
      '{"env":{"__proto__":{"x":"1"}}}',
      '{"env":{"constructor":"1"}}',
      JSON.stringify({ env: { A: 1 } }),
      JSON.stringify({ env: { 'A-B': '1' } }),
      JSON.stringify({ env: [] }),
      'not json',
    ]) {
      const r = await patch('web', body);
      expect(r.status, body).toBe(400);
    }
    expect((await row()).version).toBe(1);
  });

  it('problems never echo input verbatim: names and slugs are cut short and their control characters escaped', async () => {
    const name = `A${'B'.repeat(10_000)}`;
    const long = await patch('web', { [name]: '1' });
    expect(long).toMatchObject({ status: 400, body: { code: 'invalid_env' } });
    const detail = long.body.detail as string;
    expect(detail.length).toBeLessThan(120);
    expect(detail).toContain(`"A${'B'.repeat(39)}…"`);
    const hostile = await patch('web', { 'X\nSet-Cookie: a=b\u2028': '1' });
    expect(hostile.status).toBe(400);
    expect(hostile.body.detail).toContain('X\\u000aSet-Cookie: a=b\\u2028');
    expect(hostile.body.detail).not.toMatch(/[\n\u2028]/);
    const slug = encodeURIComponent(`no\r\n${'s'.repeat(5000)}`);
    const missing = await patch(slug, { A: '1' });
    expect(missing).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect((missing.body.detail as string).length).toBeLessThan(120);
    expect(missing.body.detail).not.toMatch(/[\r\n]/);
    expect((await row()).version).toBe(1);
  });
});
