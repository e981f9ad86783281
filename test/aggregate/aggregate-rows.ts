import type { ShopProduct } from './aggregate-harness.js';

/** A product with `images` images and one variant, as the suite creates them. */
export const product = (id: string, images = 0): ShopProduct => ({
  id,
  name: `Product ${id}`,
  category: 'shoes',
  hits: 0,
  tags: ['new'],
  images: Array.from({ length: images }, (_, i) => ({ id: `${id}-img${i}`, key: `${id}/img${i}.jpg`, position: i })),
  variants: [{ id: `${id}-v0`, sku: `${id}-sku0`, price: 10, stock: 3 }],
});

/** Child rows without the foreign key (the suite's intents never name it). */
export const bare = <R extends object>(rows: readonly R[]) =>
  rows.map(({ productId: _, ...r }: R & { productId?: unknown }) => r);
