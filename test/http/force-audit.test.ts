import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Collection, Row } from 'noclobber';
import { honoResource } from 'noclobber/hono';
import {
  AuditError,
  collectionIdempotency,
  type ForceEvent,
  formatETag,
  type ServeResourceOptions,
  serveResource,
} from 'noclobber/http';
import { afterAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';
import { createTables, type DatabaseKind, openSameDatabase, type SameDatabase } from './same-database.js';

// Found in review: "The HTTP force path writes the record, then calls the audit sink: when the sink
// throws, the client gets 500 but the forced write stands with no audit record." A forced
// write and its audit entry are now one transaction (DynamoDB: one TransactWriteItems).

const dir = mkdtempSync(join(tmpdir(), 'nc-force-audit-'));
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
  rmSync(dir, { recursive: true, force: true });
});

const [postgres, dynamodb] = await Promise.all([service('postgres'), service('dynamodb')]);
const targets: [DatabaseKind, string | undefined][] = [
  ['sqlite', join(dir, 'audit.db')],
  ['memory', 'memory'],
  ['postgres', postgres],
  ['dynamodb', dynamodb],
];

let seq = 0;
for (const [kind, target] of targets) {
  describe.skipIf(!target)(`forced writes are audited in their own transaction on ${kind}`, () => {
    const suffix = `${process.pid}_${++seq}`;
    const names = { docs: `fa_docs_${suffix}`, audit: `fa_audit_${suffix}`, keys: `fa_keys_${suffix}` };
    let db: SameDatabase;
    const entryIds: string[] = [];
    const errors: unknown[] = [];
    // A skipped suite's body still runs when vitest collects it: connect only where it will run.
    const setup = target
      ? (async () => {
          await createTables(kind, target, names);
          db = await openSameDatabase(kind, target, names);
          closers.push(() => db.close());
        })()
      : Promise.resolve();

    /** The audit entry: names who forced; a request without `x-user` cannot be audited, so it is not made. */
    const entry = (e: ForceEvent): Row => {
      const actor = e.request.headers.get('x-user');
      if (!actor) throw new Error('a forced write must name its actor');
      const id = e.request.headers.get('x-audit-id') ?? `entry-${suffix}-${entryIds.length + 1}`;
      entryIds.push(id);
      return {
        id,
        resource_id: e.resourceId,
        method: e.method,
        previous_version: e.previousVersion ?? null,
        new_version: e.version ?? null,
        actor,
      };
    };
    const options = (extra: Partial<ServeResourceOptions> = {}): ServeResourceOptions => ({
      collection: db.docs,
      name: 'docs',
      authorizeForce: (req) => req.headers.get('x-role') === 'admin',
      audit: { collection: db.audit, entry },
      onError: (e) => void errors.push(e),
      ...extra,
    });
    const app = async (extra: Partial<ServeResourceOptions> = {}) => {
      await setup;
      const hono = new Hono();
      hono.all('/docs/:id', honoResource(options(extra)) as never);
      return hono;
    };
    /** The audit entries that exist, of all those the entry function ever made. */
    const audited = async (): Promise<Row[]> => {
      const found = await Promise.all([...new Set(entryIds)].map((id) => db.audit.get(id)));
      // Top-level null and absent are the same (memory and DynamoDB drop nulls).
      return found
        .filter((s) => s !== undefined)
        .map((s) => ({
          ...s.value,
          previous_version: s.value.previous_version ?? null,
          new_version: s.value.new_version ?? null,
        }));
    };
    let n = 0;
    const newDoc = async () => {
      await setup;
      const id = `d${++n}`;
      await db.docs.create(id, { id, status: 'active', n: 0 });
      return id;
    };
    const force = (hono: Hono, id: string, headers: Record<string, string>, body = '{"status":"canceled"}') =>
      hono.request(`/docs/${id}?force=true`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json', 'x-role': 'admin', ...headers },
        body,
      });

    it('a forced write commits with exactly one entry naming the version it replaced and the one it wrote', async () => {
      const hono = await app();
      const id = await newDoc();
      await db.docs.apply(id, [{ op: 'set', path: 'status', value: 'past_due' }]); // now at version 2
      const before = (await audited()).length;
      const r = await force(hono, id, { 'x-user': 'ops-1' });
      expect(r.status).toBe(200);
      expect((await db.docs.get(id))?.value.status).toBe('canceled');
      const entries = await audited();
      expect(entries).toHaveLength(before + 1);
      expect(entries.at(-1)).toMatchObject({
        resource_id: `docs/${id}`,
        method: 'PATCH',
        previous_version: '2',
        new_version: '3',
        actor: 'ops-1',
      });
    });

    it('when the audit collection refuses the entry (its id is taken), the forced write is not made either: 500, record unchanged', async () => {
      const hono = await app();
      const id = await newDoc();
      await db.audit.create(`taken-${suffix}`, {
        id: `taken-${suffix}`,
        resource_id: 'x',
        method: 'PATCH',
        actor: 'someone',
      });
      const before = await db.docs.get(id);
      const errorsBefore = errors.length;
      const r = await force(hono, id, { 'x-user': 'ops-1', 'x-audit-id': `taken-${suffix}` });
      expect(r.status).toBe(500);
      expect(await r.json()).toMatchObject({ code: 'internal' }); // names nothing of the failure
      expect(await db.docs.get(id)).toEqual(before);
      expect(errors.slice(errorsBefore)).toHaveLength(1);
      expect(errors.at(-1)).toBeInstanceOf(AuditError);
      expect((errors.at(-1) as AuditError).cause).toMatchObject({ code: 'conflict', reason: 'exists' });
    });

    it('when the entry cannot be made (no actor), the forced write is not made: 500, record unchanged, no entry', async () => {
      const hono = await app();
      const id = await newDoc();
      const before = await db.docs.get(id);
      const count = (await audited()).length;
      const r = await force(hono, id, {});
      expect(r.status).toBe(500);
      expect(await db.docs.get(id)).toEqual(before);
      expect(await audited()).toHaveLength(count);
      expect(errors.at(-1)).toBeInstanceOf(AuditError);
    });

    it('a forced DELETE and a forced create are audited with their versions', async () => {
      const hono = await app();
      const id = await newDoc();
      const deleted = await hono.request(`/docs/${id}?force=true`, {
        method: 'DELETE',
        headers: { 'x-role': 'admin', 'x-user': 'ops-2' },
      });
      expect(deleted.status).toBe(204);
      expect(await db.docs.get(id)).toBeUndefined();
      expect((await audited()).at(-1)).toMatchObject({
        method: 'DELETE',
        previous_version: '1',
        new_version: null,
        actor: 'ops-2',
      });
      const created = await hono.request(`/docs/${id}?force=true`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'if-none-match': '*', 'x-role': 'admin', 'x-user': 'ops-2' },
        body: '{"status":"active","n":1}',
      });
      expect(created.status).toBe(201);
      // Created again after a delete at version 1: the record starts after it, never at 1 again.
      expect((await audited()).at(-1)).toMatchObject({ method: 'PUT', previous_version: null, new_version: '2' });
    });

    it('a forced write with an Idempotency-Key: write, audit entry and stored response commit together; the replay adds nothing', async () => {
      const hono = await app({ idempotency: { store: collectionIdempotency(db.keys) } });
      const id = await newDoc();
      const count = (await audited()).length;
      const headers = { 'x-user': 'ops-3', 'idempotency-key': `"force-${suffix}"` };
      const first = await force(hono, id, headers);
      const again = await force(hono, id, headers);
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('etag')).toBe(formatETag(`docs/${id}`, '2'));
      expect((await db.docs.get(id))?.version).toBe('2');
      expect(await audited()).toHaveLength(count + 1);
    });

    it('configurations that could force without an audit entry are refused when the resource is made', async () => {
      await setup;
      const elsewhere: Collection<Row> = await db.elsewhere();
      expect(() => serveResource(options({ audit: { collection: elsewhere, entry } }))).toThrow(
        /cannot share a transaction/,
      );
      expect(() => serveResource(options({ audit: undefined }))).toThrow(/authorizeForce needs audit/);
      expect(() => serveResource({ ...options(), onForce: () => {} } as ServeResourceOptions)).toThrow(
        /onForce was removed/,
      );
    });
  });
}
