import fc from 'fast-check';
import { collection, inc, type Row } from 'noclobber';
import { formatETag, formatHttpDate } from 'noclobber/http';
import { MemoryStore } from 'noclobber/memory';
import { describe, expect, it } from 'vitest';
import { frameworks } from './frameworks.js';
import { BASE, headers, oracle, type Row13, rows } from './rfc9110-oracle.js';

// RFC 9110 §13.2.2, driven row by row on every adapter against the oracle of
// rfc9110-oracle.ts (the RFC's algorithm written out plainly).

const subs = collection(new MemoryStore({ key: 'id' }));
const options = {
  collection: subs,
  name: 'subscriptions',
  lastModified: (s: { version: string }) => (BASE + 10 * Number(s.version)) * 1000,
};

let n = 0;
for (const fw of frameworks(options)) {
  describe(`RFC 9110 §13.2.2 on ${fw.name}`, () => {
    const arrange = async (r: Row13) => {
      const id = `${fw.name}-${++n}`;
      if (r.exists) {
        await subs.create(id, { id, plan: 'pro', seats: 0 });
        for (let v = 1; v < r.version; v++) await subs.apply(id, [inc('seats', 1)]);
      }
      return id;
    };

    it('every generated combination of method, state and the four headers answers as the RFC orders them', async () => {
      await fc.assert(
        fc.asyncProperty(rows, async (r) => {
          const id = await arrange(r);
          const before = await subs.get(id);
          const body =
            r.method === 'PUT' ? '{"plan":"team","seats":9}' : r.method === 'PATCH' ? '{"plan":"team"}' : undefined;
          const got = await fw.send({
            method: r.method,
            path: `/subscriptions/${id}`,
            headers: headers(id, r),
            ...(body ? { body } : {}),
          });
          const status = oracle(r);
          expect(got.status, JSON.stringify(r)).toBe(status);
          const after = await subs.get(id);
          // Exactly the answered writes happened, and nothing else.
          if (status === 201) expect(after?.value).toMatchObject({ plan: 'team', seats: 9 });
          else if (status === 204) expect(after).toBeUndefined();
          else if (status === 200 && (r.method === 'PUT' || r.method === 'PATCH')) {
            expect(after?.version).toBe(String(r.version + 1));
            expect(after?.value.plan).toBe('team');
          } else expect(after).toEqual(before);
          const current = formatETag(`subscriptions/${id}`, String(r.version));
          if ([304, 412].includes(status) && r.exists) expect(got.headers.etag).toBe(current);
          if (status === 200 && !['PUT', 'PATCH'].includes(r.method)) {
            expect(got.headers.etag).toBe(current);
            expect(got.headers['last-modified']).toBe(formatHttpDate(BASE + 10 * r.version));
          }
          if (r.method === 'HEAD') {
            expect(got.text).toBe('');
            if (status === 200) {
              const get = await fw.send({ method: 'GET', path: `/subscriptions/${id}` });
              expect(got.headers['content-length']).toBe(String(Buffer.byteLength(get.text)));
              for (const h of ['etag', 'last-modified', 'content-type']) expect(got.headers[h]).toBe(get.headers[h]);
            }
          }
        }),
        { seed: 9110, numRuns: 300 },
      );
    });

    it.each<[string, Partial<Row13>, number]>([
      [
        'If-Match naming the current and an older tag writes',
        { method: 'PATCH', exists: true, version: 2, im: 'list-current' },
        200,
      ],
      ['If-Match: * on a missing record is 412', { method: 'PUT', exists: false, im: '*' }, 412],
      ['If-Match: * on a missing record is 412 for DELETE too', { method: 'DELETE', exists: false, im: '*' }, 412],
      ['a weak tag on a missing record: 404 comes first', { method: 'DELETE', exists: false, im: 'weak-current' }, 404],
      [
        'another resource’s tag on a missing record: 404 comes first',
        { method: 'PATCH', exists: false, im: 'foreign-current' },
        404,
      ],
      ['If-Match is honoured on GET', { method: 'GET', exists: true, version: 2, im: 'stale' }, 412],
      [
        'If-Match with If-None-Match: both hold',
        { method: 'PUT', exists: true, version: 2, im: 'current', inm: 'stale' },
        200,
      ],
      [
        'If-Match with If-None-Match: the second fails',
        { method: 'PUT', exists: true, version: 2, im: 'current', inm: 'current' },
        412,
      ],
      ['If-None-Match tags on a write, none current', { method: 'PATCH', exists: true, version: 1, inm: 'stale' }, 200],
      ['If-None-Match, weak comparison', { method: 'GET', exists: true, version: 1, inm: 'weak-current' }, 304],
      [
        'If-Unmodified-Since is ignored when If-Match is present',
        { method: 'PATCH', exists: true, version: 3, im: 'current', ius: 'before' },
        200,
      ],
      [
        'If-Modified-Since is ignored when If-None-Match is present',
        { method: 'GET', exists: true, version: 1, inm: 'stale', ims: 'after' },
        200,
      ],
      ['If-Unmodified-Since alone guards a write', { method: 'DELETE', exists: true, version: 2, ius: 'before' }, 412],
      [
        'an invalid date is ignored (428: no precondition left)',
        { method: 'PATCH', exists: true, version: 1, ius: 'invalid' },
        428,
      ],
    ])('%s', async (_, partial, status) => {
      const r: Row13 = {
        method: 'GET',
        exists: true,
        version: 1,
        im: 'absent',
        inm: 'absent',
        ius: 'absent',
        ims: 'absent',
        ...partial,
      };
      expect(oracle(r)).toBe(status);
      const id = await arrange(r);
      const body = r.method === 'PUT' ? '{"plan":"team"}' : r.method === 'PATCH' ? '{"plan":"team"}' : undefined;
      const got = await fw.send({
        method: r.method,
        path: `/subscriptions/${id}`,
        headers: headers(id, r),
        ...(body ? { body } : {}),
      });
      expect(got.status).toBe(status);
    });
  });
}

describe('version ∈ {…} stays atomic with the write', () => {
  it('12 concurrent increments under If-Match naming versions 1, 2 and 3: exactly three land, the rest are 412 (every adapter)', async () => {
    const docs = collection(new MemoryStore<Row>({ key: 'id' }));
    for (const [i, fw] of frameworks({ collection: docs, name: 'docs' }, { base: '/docs' }).entries()) {
      const id = `c${i}`;
      await docs.create(id, { id, n: 0 });
      const tags = ['1', '2', '3'].map((v) => formatETag(`docs/${id}`, v)).join(', ');
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          fw.send({
            method: 'PATCH',
            path: `/docs/${id}`,
            headers: { 'content-type': 'application/vnd.noclobber.ops+json', 'if-match': tags },
            body: '[{"op":"inc","path":"n","by":1}]',
          }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(3);
      expect(results.filter((r) => r.status === 412)).toHaveLength(9);
      expect(await docs.get(id)).toMatchObject({ version: '4', value: { n: 3 } });
    }
  });

  it('12 concurrent increments under If-None-Match naming version 3 (judged on a read, pinned): exactly two land', async () => {
    const docs = collection(new MemoryStore<Row>({ key: 'id' }));
    for (const [i, fw] of frameworks({ collection: docs, name: 'docs' }, { base: '/docs' }).entries()) {
      const id = `p${i}`;
      await docs.create(id, { id, n: 0 });
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          fw.send({
            method: 'PATCH',
            path: `/docs/${id}`,
            headers: {
              'content-type': 'application/vnd.noclobber.ops+json',
              'if-none-match': formatETag(`docs/${id}`, '3'),
            },
            body: '[{"op":"inc","path":"n","by":1}]',
          }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(2);
      expect(results.filter((r) => r.status === 412)).toHaveLength(10);
      expect(await docs.get(id)).toMatchObject({ version: '3', value: { n: 2 } });
    }
  });

  it('a write judged on a read is pinned to the version read: a writer slipping in between is judged again', async () => {
    const store = new MemoryStore<Row>({ key: 'id' });
    const docs = collection(store);
    await docs.create('d', { id: 'd', n: 0 });
    // After the resource reads, another writer moves the record to version 2, which the
    // request's If-None-Match names: judged again on version 2, the request must fail.
    let interleave = true;
    const get = store.get.bind(store);
    store.get = async (key) => {
      const snap = await get(key);
      if (interleave) {
        interleave = false;
        await docs.apply('d', [inc('n', 1)]);
      }
      return snap;
    };
    const [hono] = frameworks({ collection: docs, name: 'docs' }, { base: '/docs' });
    const two = formatETag('docs/d', '2');
    const got = await hono?.send({
      method: 'PATCH',
      path: '/docs/d',
      headers: { 'content-type': 'application/merge-patch+json', 'if-none-match': two },
      body: '{"n":100}',
    });
    expect(got?.status).toBe(412);
    expect(got?.headers.etag).toBe(two);
    expect((await docs.get('d'))?.value.n).toBe(1);
  });
});
