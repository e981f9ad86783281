import fc from 'fast-check';
import type { Collection } from 'noclobber';
import { expect, it } from 'vitest';
import type { AggregateHarness, ShopProduct } from './aggregate-harness.js';
import { bare, product } from './aggregate-rows.js';

/**
 * The aggregate against a plain model: random edits of images and stock through `update`
 * leave both the returned value and the child tables equal to the model (fast-check,
 * fixed seed). Part of `describeAggregate`.
 */
export function aggregateModelTests(
  products: () => Promise<Collection<ShopProduct>>,
  harness: () => AggregateHarness,
): void {
  it('model-based: random edits through the aggregate leave the tables equal to a plain model (property)', async () => {
    const p = await products();
    let seq = 0;
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), position: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ kind: fc.constant('drop' as const), which: fc.nat() }),
      fc.record({ kind: fc.constant('move' as const), which: fc.nat(), position: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ kind: fc.constant('stock' as const), by: fc.integer({ min: -2, max: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 6 }), async (edits) => {
        const id = `m${++seq}`;
        await p.create(id, product(id, 2));
        let model = product(id, 2);
        for (const [n, e] of edits.entries()) {
          const step = (cur: ShopProduct): ShopProduct => {
            const images = bare(cur.images);
            const pick = (n: number) => images[n % Math.max(1, images.length)];
            if (e.kind === 'add')
              return { ...cur, images: [...images, { id: `${id}-n${n}`, key: 'k', position: e.position }] };
            if (e.kind === 'drop') return { ...cur, images: images.filter((i) => i !== pick(e.which)) };
            if (e.kind === 'move')
              return {
                ...cur,
                images: images.map((i) => (i === pick(e.which) ? { ...i, position: e.position } : i)),
              };
            return {
              ...cur,
              variants: bare(cur.variants).map((v) => ({ ...v, stock: Math.max(0, v.stock + e.by) })),
            };
          };
          const written = await p.update(id, step);
          model = step(model);
          expect(bare(written.value.images).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
            [...model.images].sort((a, b) => a.id.localeCompare(b.id)),
          );
        }
        const stored = await harness().stored(id);
        expect(bare(stored.images)).toEqual([...model.images].sort((a, b) => a.id.localeCompare(b.id)));
        expect(bare(stored.variants)).toEqual(bare(model.variants));
      }),
      { seed: 1701, numRuns: 12 },
    );
  });
}
