import type { BlobStore } from './blob-store.js';
import { PatchError } from './patch-error.js';
import type { Shop } from './shop.js';
import { MAX_IMAGES, type ProductPatch } from './validate.js';

/**
 * The seed's original flow, kept to show the bug: read the product, check `_version` and
 * validate against that read, upload, then write in a transaction that no longer checks
 * anything. Two patches with the same `_version` both pass the check and both succeed;
 * validation sees data that is already stale, so limits are broken.
 * @example
 * ```ts
 * await naivePatch(prisma, blobs, 'p1', patch); // do not do this
 * ```
 */
export async function naivePatch(prisma: Shop, blobs: BlobStore, id: string, patch: ProductPatch): Promise<void> {
  const current = await prisma.product.findUnique({ where: { id }, include: { images: true, variants: true } });
  if (!current) throw new PatchError(404, 'PRODUCT_NOT_FOUND', 'The product does not exist');
  if (patch._version !== undefined && patch._version !== current.version)
    throw new PatchError(409, 'VERSION_CONFLICT', `Expected version ${patch._version}, current is ${current.version}`);
  const count = current.images.length + (patch.images?.create?.length ?? 0);
  if (count > MAX_IMAGES) throw new PatchError(422, 'TOO_MANY_IMAGES', `At most ${MAX_IMAGES} images`);
  const uploads = (patch.images?.create ?? []).map((img, i) => ({
    key: `products/${id}/naive-${Date.now()}-${Math.random()}`,
    bytes: img.bytes,
    i,
  }));
  await Promise.all(uploads.map((u) => blobs.put(u.key, u.bytes)));
  await prisma.$transaction(async (tx) => {
    await tx.image.createMany({
      data: uploads.map((u) => ({
        id: u.key,
        productId: id,
        key: u.key,
        position: current.images.length + u.i,
        isThumbnail: false,
      })),
    });
    await tx.product.update({ where: { id }, data: { version: { increment: 1 } } });
  });
}
