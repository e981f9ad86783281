import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ident as pgIdent, tableIdent } from '../../src/stores/postgres/postgres-sql.js';
import { nameLiteral, ident as sqliteIdent } from '../../src/stores/sqlite/sqlite-sql.js';
import { newPool } from '../postgres/pg-harness.js';
import { service } from '../setup/services.js';
import { HOSTILE_SEGMENTS } from './hostile.js';

/**
 * Table and column names reach SQL text through one quoting helper per dialect; each must
 * be total: for every name the database can hold, the quoted identifier names exactly that
 * table or column (never more SQL). Checked against the databases themselves.
 */
const name = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.constantFrom(...HOSTILE_SEGMENTS.filter((s) => s.length > 0 && s.length < 64)),
    fc
      .array(fc.constantFrom('"', "'", '.', ';', '--', '/*', ' ', 'x', '\\', '$1', '`', '[', ']'), {
        minLength: 1,
        maxLength: 12,
      })
      .map((p) => p.join('')),
  )
  .filter((s) => !s.includes('\u0000') && !/\p{Cs}/u.test(s));

const url = await service('postgres');

describe('identifier quoting is total', () => {
  it('SQLite: CREATE TABLE / a column named by ident() has exactly that name', () => {
    const db = new Database(':memory:');
    try {
      let n = 0;
      fc.assert(
        fc.property(name, name, (table, column) => {
          const t = `${table}${++n}`;
          db.exec(`CREATE TABLE ${sqliteIdent(t)} (${sqliteIdent(column)} TEXT)`);
          db.prepare(`INSERT INTO ${sqliteIdent(t)} (${sqliteIdent(column)}) VALUES (?)`).run('v');
          const cols = db.prepare(`PRAGMA table_info(${sqliteIdent(t)})`).all() as { name: string }[];
          expect(cols.map((c) => c.name)).toEqual([column]);
          expect(db.prepare(`SELECT ${sqliteIdent(column)} AS v FROM ${sqliteIdent(t)}`).get()).toEqual({ v: 'v' });
          const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`).all(t);
          expect(tables).toHaveLength(1);
        }),
        { seed: 4242, numRuns: 400 },
      );
    } finally {
      db.close();
    }
  });

  it('SQLite: nameLiteral() is a string literal holding exactly the name, for every text without NUL', () => {
    const db = new Database(':memory:');
    try {
      fc.assert(
        fc.property(
          fc.oneof(
            name,
            fc.string({ unit: 'binary' }).filter((s) => !s.includes('\u0000') && !/\p{Cs}/u.test(s)),
          ),
          (text) => {
            expect(db.prepare(`SELECT ${nameLiteral(text)} AS v, typeof(${nameLiteral(text)}) AS t`).get()).toEqual({
              v: text,
              t: 'text',
            });
          },
        ),
        { seed: 4243, numRuns: 400 },
      );
      expect(() => nameLiteral('a\u0000b')).toThrow(TypeError);
    } finally {
      db.close();
    }
  });

  describe.skipIf(!url)('PostgreSQL', () => {
    const pool = newPool(url as string, 1);
    afterAll(() => pool.end());
    // PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN); names are tested within it.
    const pgName = name.filter((s) => new TextEncoder().encode(s).length <= 63);

    it('a column named by ident() has exactly that name; a schema-qualified table name splits only at the dot', async () => {
      await fc.assert(
        fc.asyncProperty(pgName, async (column) => {
          const { fields, rows } = await pool.query(`SELECT $1::text AS ${pgIdent(column)}`, ['v']);
          expect(fields.map((f) => f.name)).toEqual([column]);
          expect(rows).toEqual([{ [column]: 'v' }]);
          const regclass = await pool.query('SELECT to_regclass($1) AS r', [`pg_catalog.${pgIdent(column)}`]);
          expect(regclass.rows[0].r).toBeNull();
          if (!column.includes('.')) expect(tableIdent(`app.${column}`)).toBe(`"app".${pgIdent(column)}`);
        }),
        { seed: 4343, numRuns: 200 },
      );
    });

    it('with a schema, tableIdent() names exactly that table in exactly that schema, dots and all (Prisma @@map, @@schema)', async () => {
      const schema = `nc_ident_${process.pid}`;
      await pool.query(`CREATE SCHEMA ${pgIdent(schema)}`);
      try {
        let n = 0;
        await fc.assert(
          // Room for the suffix that keeps the names apart, within 63 bytes.
          fc.asyncProperty(
            pgName.filter((s) => new TextEncoder().encode(s).length <= 58),
            async (table) => {
              const t = `${table}${++n}`;
              await pool.query(`CREATE TABLE ${tableIdent(t, schema)} (x int)`);
              const { rows } = await pool.query(
                `SELECT c.relname, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
                [tableIdent(t, schema)],
              );
              expect(rows).toEqual([{ relname: t, nspname: schema }]);
            },
          ),
          { seed: 4444, numRuns: 100 },
        );
      } finally {
        await pool.query(`DROP SCHEMA ${pgIdent(schema)} CASCADE`);
      }
    });
  });
});
