import { randomUUID } from 'node:crypto';
import { InvalidChangeError, isConflictError, isNoclobberError, RerunTransactionError } from 'noclobber';
import type { BlobStore } from './blob-store.js';
import { PatchError } from './patch-error.js';
import type { ImageRow, ProductRow, Shop, VariantRow } from './shop.js';
import type { UploadLedger } from './upload-ledger.js';
import { type ProductPatch, validatePatchShape, validateProduct } from './validate.js';

/** What the product service works with. */
export interface CatalogContext {
  readonly prisma: Shop;
  readonly blobs: BlobStore;
  readonly ledger: UploadLedger;
}

interface Upload {
  readonly key: string;
  readonly bytes: Uint8Array;
  /** The image it creates, or the image whose file it replaces. */
  readonly imageId: string;
  readonly replaces: boolean;
  readonly isThumbnail: boolean | undefined;
  readonly position: number | undefined;
}

const include = { include: { images: true, variants: true } } as const;
/** A hot product makes patches queue for its row: wait for a connection and the lock longer than Prisma's defaults (2 s, 5 s). */
const TRANSACTION = { maxWait: 30_000, timeout: 60_000 };

/**
 * The product as the patch leaves it, and the files it stops referencing. Pure: it runs
 * inside the update intent, possibly more than once, on the product as it is now.
 */
function applyPatch(
  current: ProductRow,
  patch: ProductPatch,
  uploads: readonly Upload[],
  variantIds: ReadonlyMap<string, string>,
) {
  const byId = new Map(current.images.map((i) => [i.id, i]));
  for (const id of [...(patch.images?.delete ?? []), ...(patch.images?.update ?? []).map((u) => u.id)])
    if (!byId.has(id)) throw new PatchError(422, 'IMAGE_NOT_FOUND', `Image ${id} is not on this product`);
  const deleting = new Set(patch.images?.delete ?? []);
  const removed: string[] = current.images.filter((i) => deleting.has(i.id)).map((i) => i.key);
  let images: ImageRow[] = current.images.filter((i) => !deleting.has(i.id));
  const thumbnail = [...(patch.images?.update ?? []), ...uploads].some((u) => u.isThumbnail);
  // Setting a new thumbnail resets the others (seed: ensureSingleThumbnail).
  if (thumbnail) images = images.map((i) => ({ ...i, isThumbnail: false }));
  for (const u of patch.images?.update ?? []) {
    const file = uploads.find((x) => x.replaces && x.imageId === u.id);
    images = images.map((i) => {
      if (i.id !== u.id) return i;
      if (file) removed.push(i.key);
      return {
        ...i,
        ...(file ? { key: file.key } : {}),
        ...(u.isThumbnail === undefined ? {} : { isThumbnail: u.isThumbnail }),
        ...(u.position === undefined ? {} : { position: u.position }),
      };
    });
  }
  for (const u of uploads.filter((x) => !x.replaces))
    images.push({
      id: u.imageId,
      productId: current.id,
      key: u.key,
      position: u.position ?? images.length,
      isThumbnail: u.isThumbnail ?? false,
    });

  const bySku = new Map(current.variants.map((v) => [v.sku, v]));
  for (const sku of patch.variants?.delete ?? []) {
    if (!bySku.delete(sku)) throw new PatchError(422, 'VARIANT_NOT_FOUND', `Variant ${sku} is not on this product`);
  }
  for (const v of patch.variants?.upsert ?? []) {
    const was = bySku.get(v.sku);
    const row: VariantRow = {
      id: was?.id ?? (variantIds.get(v.sku) as string),
      productId: current.id,
      sku: v.sku,
      priceCents: v.priceCents,
      stock: v.stock,
      currency: v.currency ?? was?.currency ?? 'EUR',
      attributes: v.attributes ?? was?.attributes ?? {},
    };
    bySku.set(v.sku, row);
  }
  const next: ProductRow = {
    ...current,
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.description === undefined ? {} : { description: patch.description }),
    ...(patch.category === undefined ? {} : { category: patch.category }),
    ...(patch.status === undefined ? {} : { status: patch.status }),
    images,
    variants: [...bySku.values()],
  };
  validateProduct(next);
  return { next, removed };
}

/** The HTTP answer for a failure (the seed's `status("Conflict", { code: "VERSION_CONFLICT" })`). */
function toPatchError(e: unknown): unknown {
  if (e instanceof PatchError) return e;
  if (isConflictError(e) && e.reason === 'gone')
    return new PatchError(404, 'PRODUCT_NOT_FOUND', 'The product does not exist', { cause: e });
  if (isConflictError(e) && e.reason === 'stale') {
    const currentVersion = Number((e.current?.value as ProductRow | undefined)?.version ?? e.actual);
    return new PatchError(
      409,
      'VERSION_CONFLICT',
      `Product modified. Expected version ${e.expected}, current is ${currentVersion}`,
      {
        currentVersion,
        cause: e,
      },
    );
  }
  if (e instanceof InvalidChangeError && e.reason === 'constraint')
    return new PatchError(409, 'CONFLICTING_DATA', e.message, { cause: e });
  if (isNoclobberError(e)) return new PatchError(e.httpStatus, e.code.toUpperCase(), e.message, { cause: e });
  return e;
}

/** Runs the caller's transaction, again when PostgreSQL aborted it for a reason that passes. */
async function rerunning<R>(run: () => Promise<R>, attempts = 5): Promise<R> {
  for (let n = 1; ; n++) {
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof RerunTransactionError) || n >= attempts) throw e;
    }
  }
}

/**
 * The seed's `productService.patch()`, without its races:
 * 1. stateless validation before any I/O (negative stock, bad prices);
 * 2. the new files' keys go into the staged-upload ledger BEFORE uploading (in parallel);
 * 3. one transaction claims them from the ledger, writes the product with its images and
 *    variants through `$update` — validation runs inside the intent on the product being
 *    written, re-run when another patch got there first; a `_version` the client sent
 *    must be current (409 VERSION_CONFLICT with the current version) — and lists the files
 *    the product stops referencing in the ledger;
 * 4. after the commit those files are deleted; a failure there is logged, never reported
 *    as a failed patch: the ledger's sweeper retries it;
 * 5. when the patch fails, its uploads are listed as due and swept at once.
 * @example
 * ```ts
 * const product = await patchProduct(ctx, 'p1', { _version: 3, images: { create: [{ bytes }] } });
 * ```
 */
export async function patchProduct(ctx: CatalogContext, id: string, patch: ProductPatch): Promise<ProductRow> {
  validatePatchShape(patch);
  const uploads: Upload[] = [
    ...(patch.images?.create ?? []).map((img) => ({
      imageId: randomUUID(),
      replaces: false,
      bytes: img.bytes,
      isThumbnail: img.isThumbnail,
      position: img.position,
    })),
    ...(patch.images?.update ?? [])
      .filter((u) => u.file)
      .map((u) => ({
        imageId: u.id,
        replaces: true,
        bytes: u.file as Uint8Array,
        isThumbnail: u.isThumbnail,
        position: u.position,
      })),
  ].map((u) => ({ ...u, key: `products/${id}/${randomUUID()}` }));
  const keys = uploads.map((u) => u.key);
  const variantIds = new Map((patch.variants?.upsert ?? []).map((v) => [v.sku, randomUUID()]));
  await ctx.ledger.stage(id, keys);
  let removed: string[] = [];
  let product: ProductRow;
  try {
    // Every upload settles before anything else happens: a failure must not release files still being written.
    const settled = await Promise.allSettled(uploads.map((u) => ctx.blobs.put(u.key, u.bytes)));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    product = await rerunning(() =>
      ctx.prisma.$transaction(async (tx) => {
        if (!(await ctx.ledger.claim(tx, keys)))
          throw new PatchError(409, 'UPLOAD_EXPIRED', 'An upload expired before the patch committed; send it again');
        const written = await tx.product.$update(
          { id, ...(patch._version === undefined ? {} : { version: patch._version }) },
          (current) => {
            const result = applyPatch(current, patch, uploads, variantIds);
            removed = result.removed;
            return result.next;
          },
          include,
        );
        await ctx.ledger.discard(tx, id, removed);
        return written;
      }, TRANSACTION),
    );
  } catch (e) {
    await ctx.ledger.release(id, keys).catch(() => {});
    await ctx.ledger.sweep(keys).catch(() => {});
    throw toPatchError(e);
  }
  // Committed: what follows may fail without failing the patch (the sweeper retries it).
  await ctx.ledger.sweep(removed).catch(() => {});
  return product;
}

/**
 * Deletes a product with its images and variants (a checked delete of the whole record),
 * listing its files in the ledger in the same transaction, then sweeping them.
 * @example
 * ```ts
 * await deleteProduct(ctx, 'p1');
 * ```
 */
export async function deleteProduct(ctx: CatalogContext, id: string, version?: number): Promise<void> {
  let keys: string[] = [];
  try {
    await rerunning(() =>
      ctx.prisma.$transaction(async (tx) => {
        const gone = await tx.product.$delete({ id, ...(version === undefined ? {} : { version }) }, include);
        keys = gone.images.map((i) => i.key);
        await ctx.ledger.discard(tx, id, keys);
      }, TRANSACTION),
    );
  } catch (e) {
    throw toPatchError(e);
  }
  await ctx.ledger.sweep(keys).catch(() => {});
}
