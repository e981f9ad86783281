import { randomUUID } from 'node:crypto';
import { add, type Collection, retryPresets, type Snapshot } from 'noclobber';
import type { BlobStore } from './blob-store.js';
import type { Image, Product, Variant } from './catalog.js';
import { moveToPendingDeletes, sweepProduct } from './sweep.js';
import { type ProductPatch, ValidationError, validateAgainst, validatePatchShape } from './validate.js';

/** What the product service works with. */
export interface CatalogContext {
  readonly products: Collection<Product>;
  readonly blobs: BlobStore;
  readonly now?: () => number;
}

function applyVariants(current: readonly Variant[], patch: ProductPatch): Variant[] {
  const bySku = new Map(current.map((v) => [v.sku, v]));
  for (const v of patch.variants?.upsert ?? []) bySku.set(v.sku, v);
  for (const sku of patch.variants?.delete ?? []) bySku.delete(sku);
  return [...bySku.values()];
}

/**
 * PATCH a product without losing a concurrent change, validating against the exact
 * version written, and without ever orphaning a file (seed 001):
 * 1. stateless validation before any I/O;
 * 2. the upload keys are recorded in the row's `pending_uploads` (one pushdown `add`,
 *    never conflicts) BEFORE uploading, so a crash leaves a trace the sweeper follows;
 * 3. `update` re-runs the intent on a conflict: validation sees the row it is written over;
 * 4. replaced files move to `pending_deletes` in the same write, and are deleted after
 *    commit; a failed delete stays in the outbox for the next sweep;
 * 5. if the patch fails, its uploads move to `pending_deletes` and are swept.
 *
 * @example
 * ```ts
 * await patchProduct({ products, blobs }, 'p1', { images: { create: [{ id: 'img9', bytes }] } });
 * ```
 */
export async function patchProduct(ctx: CatalogContext, id: string, patch: ProductPatch): Promise<Snapshot<Product>> {
  validatePatchShape(patch);
  const now = ctx.now ?? Date.now;
  const uploads = (patch.images?.create ?? []).map((img) => ({ id: img.id, key: `products/${id}/${now()}-${randomUUID()}`, bytes: img.bytes }));
  const uploadKeys = new Set(uploads.map((u) => u.key));
  if (uploads.length > 0)
    await ctx.products.apply(
      id,
      [...uploadKeys].map((k) => add('pending_uploads', k)),
    );
  try {
    await Promise.all(uploads.map((u) => ctx.blobs.put(u.key, u.bytes)));
    return await ctx.products.update(
      id,
      (current) => {
        for (const k of uploadKeys) {
          if (!current.pending_uploads.includes(k)) throw new ValidationError('UPLOAD_EXPIRED', 'An upload was swept before the patch committed; retry');
        }
        validateAgainst(current, patch);
        const deleting = new Set(patch.images?.delete ?? []);
        const removed = current.images.filter((img) => deleting.has(img.id));
        const images: Image[] = [...current.images.filter((img) => !deleting.has(img.id)), ...uploads.map((u) => ({ id: u.id, key: u.key }))];
        return {
          ...current,
          ...(patch.name === undefined ? {} : { name: patch.name }),
          ...(patch.category === undefined ? {} : { category: patch.category }),
          images,
          variants: applyVariants(current.variants, patch),
          pending_uploads: current.pending_uploads.filter((k) => !uploadKeys.has(k)),
          pending_deletes: [...current.pending_deletes, ...removed.map((img) => img.key)],
        };
      },
      // Side effects go after the commit, never inside the intent (it may run several times).
      { retry: retryPresets.interactive, afterCommit: () => sweepProduct(ctx, id) },
    );
  } catch (e) {
    if (uploads.length > 0) {
      await moveToPendingDeletes(ctx, id, [...uploadKeys]).catch(() => {});
      await sweepProduct(ctx, id);
    }
    throw e;
  }
}
