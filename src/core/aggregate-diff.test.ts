import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChildSchema, childRows, diffChildren } from './aggregate-diff.js';
import { InvalidChangeError } from './errors/invalid-change-error.js';
import type { Row } from './types.js';

const images: ChildSchema = { keyFields: ['id'], parentFields: ['product_id'] };
const parent = { product_id: 'p1' };

/** What a database holds after the diff is applied to `before`, keyed by id. */
function applyDiff(before: readonly Row[], d: ReturnType<typeof diffChildren>): Map<string, Row> {
  const rows = new Map(before.map((r) => [r.id as string, r]));
  for (const r of d.delete) rows.delete(r.id as string);
  for (const r of d.update) rows.set(r.id as string, r);
  for (const r of d.insert) rows.set(r.id as string, r);
  return rows;
}

const row = (ids: fc.Arbitrary<string>) =>
  fc.record({
    id: ids,
    key: fc.constantFrom('a.jpg', 'b.jpg', 'c.jpg'),
    position: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
  });
const uniqueRows = fc.uniqueArray(row(fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5')), {
  selector: (r) => r.id,
  maxLength: 5,
});

describe('diffChildren', () => {
  it('applying the diff to the stored rows gives exactly the rows the intent returned (property)', () => {
    fc.assert(
      fc.property(uniqueRows, uniqueRows, (b, a) => {
        const before = b.map((r) => ({ ...r, ...parent }));
        const d = diffChildren('images', before, a, images, parent);
        const result = applyDiff(before, d);
        expect([...result.keys()].sort()).toEqual(a.map((r) => r.id).sort());
        for (const r of a) expect(result.get(r.id)).toEqual({ ...r, ...parent });
        // nothing is written that did not change
        for (const u of d.update) expect(before.find((x) => x.id === u.id)).not.toEqual(u);
        expect(d.insert.length + d.update.length + d.delete.length).toBeLessThanOrEqual(before.length + a.length);
      }),
      { seed: 17, numRuns: 300 },
    );
  });

  it('null and absent are the same: an unchanged row with a dropped null is not an update', () => {
    const before = [{ id: 'i1', key: 'a', position: null, product_id: 'p1' }];
    expect(diffChildren('images', before, [{ id: 'i1', key: 'a' }], images, parent)).toEqual({
      insert: [],
      update: [],
      delete: [],
    });
  });

  it('a row without a key is an insert the database keys; a partial, duplicate or foreign row is refused', () => {
    const two: ChildSchema = { keyFields: ['a', 'b'], parentFields: ['product_id'] };
    expect(diffChildren('images', [], [{ key: 'x' }], images, parent).insert).toEqual([{ key: 'x', product_id: 'p1' }]);
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof InvalidChangeError ? [e.reason, e.path] : e;
      }
      return 'accepted';
    };
    expect(refused(() => diffChildren('images', [], [{ a: 1 }], two, parent))).toEqual(['bad_key', ['images', '0']]);
    expect(refused(() => diffChildren('images', [], [{ id: 'i1' }, { id: 'i1' }], images, parent))).toEqual([
      'bad_key',
      ['images', '1'],
    ]);
    expect(refused(() => diffChildren('images', [], [{ id: 'i1', product_id: 'p2' }], images, parent))).toEqual([
      'protected_field',
      ['images', '0', 'product_id'],
    ]);
    expect(refused(() => childRows({ images: { id: 'x' } }, 'images'))).toEqual(['type_mismatch', ['images']]);
    expect(refused(() => childRows({ images: [1] }, 'images'))).toEqual(['type_mismatch', ['images', '0']]);
    expect(childRows({}, 'images')).toEqual([]);
  });
});
