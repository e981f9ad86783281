import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { collection } from 'noclobber';
import { serveResource } from 'noclobber/http';
import { SqliteStore } from 'noclobber/sqlite';
import { afterEach, describe, expect, it } from 'vitest';

/** Every table's rows, in a stable order, hashed: nothing else in the database may move. */
function checksum(db: Database.Database, except?: { table: string; id: string }): string {
  const hash = createHash('sha256');
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
    name: string;
  }[];
  for (const { name } of tables) {
    hash.update(`table ${name}\n`);
    for (const row of db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}" ORDER BY rowid`).all() as Record<
      string,
      unknown
    >[]) {
      if (except && name === except.table && row.id === except.id) continue;
      hash.update(`${JSON.stringify(row)}\n`);
    }
  }
  return hash.digest('hex');
}

const OPS = 'application/vnd.noclobber.ops+json';

/**
 * The attack, replayed through the public PATCH of `resource` (ops media type)
 * against SQLite: a single quote in a nested path segment used to close the SQL string the
 * JSON path was spliced into. Each segment must now be stored as a literal key, and every
 * other row and table must stay byte-for-byte as it was.
 */
describe('hostile path segments through HTTP PATCH on SQLite', () => {
  let db: Database.Database;
  afterEach(() => db?.close());

  function setup() {
    db = new Database(':memory:');
    db.exec(`CREATE TABLE subs (id TEXT PRIMARY KEY, plan TEXT, data TEXT, version INTEGER NOT NULL)`);
    db.exec(`CREATE TABLE secrets (id TEXT PRIMARY KEY, secret TEXT)`);
    db.exec(`INSERT INTO secrets VALUES ('s1', 'hunter2'), ('s2', 'correct horse')`);
    const subs = collection(new SqliteStore(db, { table: 'subs', key: 'id', json: ['data'] }));
    const handler = serveResource({ collection: subs, name: 'subs' });
    return { subs, handler };
  }

  const payloads: [string, string][] = [
    // Read another table into the stored key (and so into the response).
    ['exfiltrate', `x'||(SELECT group_concat(secret) FROM secrets)||'`],
    // Close the CTE chain and update another table, commenting out the rest of the line.
    ['update another table', `'), 1 AS ok FROM s0) UPDATE secrets SET secret = 'pwned' RETURNING * --`],
    // Doubled quotes are data, not SQL escapes.
    ['doubled quote', `it''s`],
    ['sql comment and statement end', `a'; DELETE FROM secrets; --`],
  ];

  for (const [name, segment] of payloads) {
    it(`${name}: the segment is stored as a literal key, nothing else changes`, async () => {
      const { subs, handler } = setup();
      await subs.create('a', { id: 'a', plan: 'pro', data: { keep: 1 } });
      await subs.create('b', { id: 'b', plan: 'free', data: { other: true } });
      const before = checksum(db, { table: 'subs', id: 'a' });
      const got = await handler(new Request('http://x/subs/a'), 'a');
      const etag = got.headers.get('etag') as string;
      const res = await handler(
        new Request('http://x/subs/a', {
          method: 'PATCH',
          headers: { 'content-type': OPS, 'if-match': etag },
          body: JSON.stringify([{ op: 'set', path: ['data', segment], value: 'v' }]),
        }),
        'a',
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: 'a', plan: 'pro', data: { keep: 1, [segment]: 'v' } });
      expect((await subs.get('a'))?.value.data).toEqual({ keep: 1, [segment]: 'v' });
      expect(checksum(db, { table: 'subs', id: 'a' })).toBe(before);
      expect(db.prepare('SELECT id, secret FROM secrets ORDER BY id').all()).toEqual([
        { id: 's1', secret: 'hunter2' },
        { id: 's2', secret: 'correct horse' },
      ]);
    });
  }

  it('a guard path with a quote is data too: a stale checked delete removes nothing', async () => {
    const { subs } = setup();
    await subs.create('a', { id: 'a', plan: 'pro', data: { keep: 1 } });
    await subs.create('b', { id: 'b', plan: 'free', data: {} });
    const before = checksum(db);
    const segment = `'||char(34)), 'null') = 'null'), 0) OR 1 RETURNING * --`;
    const guard = { path: ['data', segment], op: 'exists' as const };
    await expect(subs.delete('a', { expect: { version: '7', where: [guard] } })).rejects.toMatchObject({
      code: 'conflict',
      reason: 'stale',
    });
    await expect(subs.delete('a', { expect: { where: [guard] } })).rejects.toMatchObject({ code: 'guard_failed' });
    expect(checksum(db)).toBe(before);
  });
});
