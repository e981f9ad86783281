import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { collection, DatabaseError, inc, isNoclobberError } from 'noclobber';
import { SqliteStore } from 'noclobber/sqlite';
import { afterAll, describe, expect, it } from 'vitest';

describe('SQLite: every driver failure is a typed error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nc-sqlite-fail-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opening a store on a file that is not a database is a DatabaseError with the driver error as cause', () => {
    const file = join(dir, 'not-a-db');
    writeFileSync(
      file,
      'this is not an SQLite file, just text long enough to have a header............................................',
    );
    const db = new Database(file);
    let err: unknown;
    try {
      new SqliteStore(db, { table: 'docs', key: 'id' });
    } catch (e) {
      err = e;
    }
    db.close();
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('SQLITE_NOTADB');
  });

  it('a closed handle ran nothing: TransientError (connection), counted by cause', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, n REAL, version INTEGER NOT NULL)');
    const docs = collection(new SqliteStore(db, { table: 'docs', key: 'id' }));
    await docs.create('a', { id: 'a', n: 0 });
    db.close();
    const err = await docs.apply('a', [inc('n', 1)], { retry: { attempts: 2, baseMs: 1, capMs: 1 } }).catch((e) => e);
    expect(isNoclobberError(err), String(err)).toBe(true);
    expect(err).toMatchObject({
      code: 'transient',
      reason: 'connection',
      attempts: 2,
      attemptsByCause: { connection: 2 },
    });
  });
});
