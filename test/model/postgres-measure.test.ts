import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgJsonTextBytes } from '../../src/stores/postgres/postgres-measure.js';
import { newPool } from '../postgres/pg-harness.js';
import { service } from '../setup/services.js';
import { HOSTILE_NUMBERS, HOSTILE_STRINGS } from './hostile.js';

const url = await service('postgres');

/**
 * A PostgreSQL byte cap is enforced in the statement as `octet_length(x::text)` and
 * explained by `pgJsonTextBytes`: the two must agree on every value, or a write is refused
 * in SQL and then "explained" as allowed. Huge and tiny doubles are where jsonb's text
 * (numeric, no exponent: 1e-300 prints 302 characters) differs most from JSON.stringify.
 */
describe.skipIf(!url)('PostgreSQL byte caps measure what octet_length(jsonb::text) measures', () => {
  const pool = newPool(url as string, 1);
  beforeAll(async () => {
    await pool.query('SELECT 1');
  });
  afterAll(() => pool.end());

  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(...HOSTILE_NUMBERS),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(...HOSTILE_STRINGS.filter((s) => !s.includes('\u0000'))),
      fc.string({ unit: 'grapheme', maxLength: 6 }).filter((s) => !s.includes('\u0000')),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }).filter((s) => !s.includes('\u0000')),
        tie('v'),
        { maxKeys: 3 },
      ),
    ),
  })).v;

  it('for arbitrary JSON, doubles from 5e-324 to 1.8e308 included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 20 }), async (values) => {
        const { rows } = await pool.query(
          'SELECT octet_length(v::text) AS n FROM unnest($1::jsonb[]) WITH ORDINALITY AS u(v, i) ORDER BY i',
          [values.map((v) => JSON.stringify(v))],
        );
        expect(rows.map((r) => r.n)).toEqual(values.map(pgJsonTextBytes));
      }),
      { seed: 5150, numRuns: 150 },
    );
  });
});
