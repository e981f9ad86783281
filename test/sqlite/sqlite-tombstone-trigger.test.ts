import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { collection, type Row } from 'noclobber';
import { SqliteStore } from 'noclobber/sqlite';
import { afterAll, describe, expect, it } from 'vitest';

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Runs a store's trigger DDL, one statement at a time. */
function install(db: Database.Database, store: SqliteStore<Row>): void {
  for (const statement of store.tombstoneTriggerDdl()) db.exec(statement);
}

// The trigger makes a delete made around noclobber (plain SQL, a cascade) leave the tombstone
// the store's own delete leaves, so an integer version never comes again for the key.
describe('SQLite: the tombstone trigger covers deletes made around noclobber', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nc-trig-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  it('a plain DELETE leaves the store’s tombstone: the next record starts after it; without the trigger version 1 came again', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, title TEXT, version INTEGER NOT NULL)');
    db.exec('CREATE TABLE bare (id TEXT PRIMARY KEY, title TEXT, version INTEGER NOT NULL)');
    const store = new SqliteStore<Row>(db, { table: 'docs', key: 'id' });
    install(db, store);
    install(db, store); // idempotent: a migration may run it again
    const docs = collection(store);
    const first = await docs.create('k', { id: 'k', title: 'one' });
    const updated = await docs.apply('k', [], { expect: { version: first.version } });
    db.prepare('DELETE FROM docs WHERE id = ?').run('k');
    const second = await docs.create('k', { id: 'k', title: 'two' });
    expect(second.version).toBe(String(Number(updated.version) + 1));
    expect(await docs.apply('k', [], { expect: { version: updated.version } }).catch((e: unknown) => e)).toMatchObject({
      reason: 'stale',
    });
    // The store's own delete with the trigger: one tombstone, at the deleted version.
    const deleted = await docs.delete('k');
    expect(db.prepare('SELECT version FROM noclobber_tombstones WHERE store = ?').all('docs')).toEqual([
      { version: Number(deleted.version) },
    ]);
    expect((await docs.create('k', { id: 'k' })).version).toBe(String(Number(deleted.version) + 1));
    // Without the trigger (the documented limit).
    const plain = collection(new SqliteStore<Row>(db, { table: 'bare', key: 'id' }));
    const once = await plain.create('k', { id: 'k' });
    db.prepare('DELETE FROM bare WHERE id = ?').run('k');
    expect((await plain.create('k', { id: 'k' })).version).toBe(once.version);
  });

  it('composite INTEGER and TEXT keys, a cascade and hostile table names: the key is spelled as the store spells it', async () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const parent = `parent "p" ';-- ${"'"}x`;
    const child = `child's "items" $1`;
    db.exec(`CREATE TABLE ${q(parent)} (tenant TEXT, id INTEGER, version INTEGER NOT NULL, PRIMARY KEY (tenant, id))`);
    db.exec(
      `CREATE TABLE ${q(child)} (tenant TEXT, id INTEGER, n INTEGER, version INTEGER NOT NULL, PRIMARY KEY (tenant, id, n),
         FOREIGN KEY (tenant, id) REFERENCES ${q(parent)} (tenant, id) ON DELETE CASCADE)`,
    );
    const parents = new SqliteStore<Row>(db, { table: parent, key: ['tenant', 'id'] });
    const children = new SqliteStore<Row>(db, { table: child, key: ['tenant', 'id', 'n'] });
    install(db, parents);
    install(db, children);
    const p = collection(parents);
    const c = collection(children);
    const tenant = `t "'\n\u2028é😀`;
    await p.create({ tenant, id: 1 }, { tenant, id: 1 });
    const made = await p.apply({ tenant, id: 1 }, []);
    const kid = await c.create({ tenant, id: 1, n: 2 }, { tenant, id: 1, n: 2 });
    db.prepare(`DELETE FROM ${q(parent)} WHERE tenant = ? AND id = ?`).run(tenant, 1);
    expect(await c.get({ tenant, id: 1, n: 2 })).toBeUndefined();
    expect((await p.create({ tenant, id: 1 }, { tenant, id: 1 })).version).toBe(String(Number(made.version) + 1));
    expect((await c.create({ tenant, id: 1, n: 2 }, { tenant, id: 1, n: 2 })).version).toBe(
      String(Number(kid.version) + 1),
    );
  });

  it('a key column of REAL affinity is refused: the trigger could not spell its key as the store does', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE points (x REAL PRIMARY KEY, version INTEGER NOT NULL)');
    const store = new SqliteStore<Row>(db, { table: 'points', key: 'x' });
    expect(() => store.tombstoneTriggerDdl()).toThrow(/key column "x" has real affinity; .*TEXT and INTEGER keys only/);
  });

  it('generated histories of creates, updates, noclobber deletes and plain deletes over three connections to one file: no version names two records of a key', async () => {
    const file = join(dir, `h${++n}.db`);
    const setup = new Database(file);
    setup.pragma('journal_mode = WAL');
    setup.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, title TEXT, version INTEGER NOT NULL)');
    const one = new Database(file);
    const two = new Database(file);
    try {
      const a = collection(new SqliteStore<Row>(one, { table: 'docs', key: 'id' }));
      const storeB = new SqliteStore<Row>(two, { table: 'docs', key: 'id' });
      install(setup, storeB);
      const b = collection(storeB);
      const step = fc.record({
        key: fc.constantFrom('x', 'y'),
        what: fc.constantFrom('create', 'update', 'delete', 'plain delete'),
        via: fc.constantFrom('a', 'b'),
      });
      // A plain DELETE from a third connection; a write transaction of a store may hold the
      // file across an await (the driver is synchronous: waiting in busy_timeout would block it).
      const plainDelete = async (key: string): Promise<undefined> => {
        for (;;) {
          try {
            setup.prepare('DELETE FROM docs WHERE id = ?').run(key);
            return undefined;
          } catch (e) {
            if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
            await new Promise((r) => setTimeout(r, 2));
          }
        }
      };
      let run = 0;
      let acknowledged = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 16 }), async (steps) => {
          const r = run++;
          const seen = new Map<string, string>();
          // In order: one SQLite file serialises writers anyway, and a synchronous driver would
          // otherwise run every plain DELETE before the first awaited write.
          for (const [i, { key: k, what, via: name }] of steps.entries()) {
            const key = `${r}-${k}`;
            const via = name === 'a' ? a : b;
            const title = `t${i}`;
            const snap =
              what === 'create'
                ? await via.create(key, { id: key, title }).catch(() => undefined)
                : what === 'update'
                  ? await via.update(key, (v) => ({ ...v, title })).catch(() => undefined)
                  : what === 'delete'
                    ? await via.delete(key).catch(() => undefined)
                    : await plainDelete(key);
            if (snap && what !== 'delete') {
              const id = `${key}@${snap.version}`;
              expect(seen.get(id) ?? title, `${id} named two records`).toBe(title);
              seen.set(id, title);
              acknowledged++;
            }
          }
        }),
        { numRuns: 60, seed: 20261201 },
      );
      expect(acknowledged).toBeGreaterThan(0);
    } finally {
      for (const db of [one, two, setup]) db.close();
    }
  });
});
