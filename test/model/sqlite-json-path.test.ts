import Database from 'better-sqlite3';
import fc from 'fast-check';
import { keyProblem } from 'noclobber/store';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonPath } from '../../src/stores/sqlite/sqlite-sql.js';
import { HOSTILE_SEGMENTS } from './hostile.js';

/**
 * SQLite's JSON path is built as a value and bound, and `jsonPath` must address exactly
 * the key it was given for EVERY key the core accepts (arbitrary strings: quotes, `$`,
 * dots, brackets, astral characters, numeric-looking, 256 characters). A key the core
 * refuses never reaches it.
 */
describe('SQLite JSON path quoting is total over the keys the core accepts', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());
  const setGet = db.prepare(
    `SELECT json_set('{}', @path, 'v') AS doc, json_extract(json_set('{"o":{}}', @nested, 1), @nested) AS back, json_type(@doc0, @path) AS t`,
  );
  const key = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(...HOSTILE_SEGMENTS),
    fc.array(fc.constantFrom(...HOSTILE_SEGMENTS), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
  );

  it('json_set / json_extract / json_type address the literal key', () => {
    fc.assert(
      fc.property(key, (k) => {
        if (keyProblem(k)) {
          // The core refuses it before any store sees it; it is not the helper's to quote.
          const refused = [...k].some(
            (c) => c === '"' || c === '\\' || (c.codePointAt(0) ?? 0) < 0x20 || /\p{Cs}/u.test(c),
          );
          expect(
            refused || k.length === 0 || k.length > 256 || ['__proto__', 'constructor', 'prototype'].includes(k),
          ).toBe(true);
          return;
        }
        const row = setGet.get({
          path: jsonPath([k]),
          nested: jsonPath(['o', k]),
          doc0: JSON.stringify({ [k]: [1] }),
        }) as {
          doc: string;
          back: number;
          t: string;
        };
        expect(Object.entries(JSON.parse(row.doc))).toEqual([[k, 'v']]);
        expect(row.back).toBe(1);
        expect(row.t).toBe('array');
      }),
      { seed: 110011, numRuns: 2000 },
    );
  });
});
