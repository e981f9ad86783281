import Database from 'better-sqlite3';
import { collection, SetupError } from 'noclobber';
import { SQLITE_TOMBSTONE_TABLE, SqliteStore, sqliteTombstoneDdl } from 'noclobber/sqlite';
import { describe, expect, it } from 'vitest';

// The table of tombstones on SQLite: named by the caller through the identifier
// helper, every value bound, and a SetupError carrying the DDL when it may not be created.
describe('SQLite: the table of tombstones', () => {
  const docsTable = (db: Database.Database, name = 'docs') =>
    db.exec(`CREATE TABLE "${name.replaceAll('"', '""')}" (id TEXT PRIMARY KEY, title TEXT, version INTEGER NOT NULL)`);

  it('createTombstoneTable: false and no table → SetupError with the DDL, at open; the DDL run, the store works', async () => {
    const db = new Database(':memory:');
    docsTable(db);
    const refused = (() => {
      try {
        return new SqliteStore(db, { table: 'docs', key: 'id', createTombstoneTable: false });
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(SetupError);
    expect(refused).toMatchObject({ code: 'setup', statements: sqliteTombstoneDdl(SQLITE_TOMBSTONE_TABLE) });
    db.exec((refused as SetupError).statements);
    const docs = collection(new SqliteStore(db, { table: 'docs', key: 'id', createTombstoneTable: false }));
    const first = await docs.create('k', { id: 'k' });
    await docs.delete('k');
    expect((await docs.create('k', { id: 'k' })).version).toBe('2');
    expect(first.version).toBe('1');
  });

  it('a table of tombstones without a column it needs → SetupError', () => {
    const db = new Database(':memory:');
    docsTable(db);
    db.exec(`CREATE TABLE ${SQLITE_TOMBSTONE_TABLE} (store TEXT, key TEXT)`);
    expect(() => new SqliteStore(db, { table: 'docs', key: 'id' })).toThrow(SetupError);
  });

  it('hostile names for the table of tombstones and the data table reach SQL only quoted; key and store name are bound', async () => {
    const db = new Database(':memory:');
    const table = `do"cs'); DROP TABLE x; --`;
    const graves = `gra"ves; DROP TABLE "x"; --`;
    db.exec('CREATE TABLE x (k TEXT)');
    docsTable(db, table);
    const docs = collection(new SqliteStore(db, { table, key: 'id', tombstoneTable: graves }));
    const id = `k'); DELETE FROM x; --`;
    const first = await docs.create(id, { id, title: 'a' });
    await docs.delete(id);
    const rows = db.prepare(`SELECT store, key, version FROM "${graves.replaceAll('"', '""')}"`).all();
    expect(rows).toEqual([{ store: table, key: JSON.stringify([id]), version: 1 }]);
    const second = await docs.create(id, { id, title: 'b' });
    expect(second.version).not.toBe(first.version);
    expect(await docs.apply(id, [], { expect: { version: first.version } }).catch((e: unknown) => e)).toMatchObject({
      reason: 'stale',
    });
    // The create took the tombstone; the other table is untouched.
    expect(db.prepare(`SELECT count(*) AS n FROM "${graves.replaceAll('"', '""')}"`).get()).toEqual({ n: 0 });
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'x'`).get()).toEqual({ name: 'x' });
  });

  it('stores of two tables share the table of tombstones without mixing their keys', async () => {
    const db = new Database(':memory:');
    docsTable(db, 'a');
    docsTable(db, 'b');
    const a = collection(new SqliteStore(db, { table: 'a', key: 'id' }));
    const b = collection(new SqliteStore(db, { table: 'b', key: 'id' }));
    for (let i = 0; i < 3; i++) {
      await a.create('k', { id: 'k' });
      await a.delete('k');
    }
    expect((await b.create('k', { id: 'k' })).version).toBe('1');
    expect((await a.create('k', { id: 'k' })).version).toBe('4');
  });
});
