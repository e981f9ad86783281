import type Database from 'better-sqlite3';
import type { BlobStore } from './blob-store.js';
import type { Image } from './catalog.js';
import { type ProductPatch, validateAgainst } from './validate.js';

/**
 * The seed's original flow, kept to demonstrate the bug: read, validate, upload, then
 * write the whole image list back with no condition. Concurrent patches validate
 * against stale data and the last writer silently drops the other's images.
 * @example
 * ```ts
 * await naivePatch(db, blobs, 'p1', patch); // do not do this
 * ```
 */
export async function naivePatch(db: Database.Database, blobs: BlobStore, id: string, patch: ProductPatch): Promise<void> {
  const row = db.prepare('SELECT * FROM products WHERE id = ?').get(id) as Record<string, string>;
  const current = { ...row, images: JSON.parse(row.images as string) as Image[], variants: JSON.parse(row.variants as string) } as never;
  validateAgainst(current, patch);
  const uploads = (patch.images?.create ?? []).map((img) => ({ id: img.id, key: `products/${id}/naive-${img.id}` }));
  await Promise.all(uploads.map((u, i) => blobs.put(u.key, patch.images?.create?.[i]?.bytes ?? new Uint8Array())));
  const images = [...(current as { images: Image[] }).images, ...uploads];
  const result = db.prepare('UPDATE products SET images = ? WHERE id = ?').run(JSON.stringify(images), id);
  if (result.changes !== 1) throw new Error('product vanished');
}
