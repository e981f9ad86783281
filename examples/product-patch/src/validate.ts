import { PatchError } from './patch-error.js';
import type { ProductRow } from './shop.js';

/** The most images a product may have. */
export const MAX_IMAGES = 8;

/** A new or replaced image file. */
export interface ImageUpload {
  readonly bytes: Uint8Array;
  readonly isThumbnail?: boolean;
  readonly position?: number;
}

/** A variant as the client sends it (by SKU). */
export interface VariantInput {
  readonly sku: string;
  readonly priceCents: number;
  readonly stock: number;
  readonly currency?: string;
  readonly attributes?: Record<string, string>;
}

/** The seed's PATCH body: product fields, image and variant operations, and the version the client saw. */
export interface ProductPatch {
  /** The product version the client read; stale → 409 VERSION_CONFLICT. Omitted: the patch re-applies to whatever is current. */
  readonly _version?: number;
  readonly name?: string;
  readonly description?: string;
  readonly category?: string;
  readonly status?: 'DRAFT' | 'PUBLISHED';
  readonly images?: {
    readonly create?: readonly ImageUpload[];
    readonly update?: readonly ({ readonly id: string; readonly file?: Uint8Array } & Omit<ImageUpload, 'bytes'>)[];
    readonly delete?: readonly string[];
  };
  readonly variants?: {
    readonly upsert?: readonly VariantInput[];
    readonly delete?: readonly string[];
  };
}

/**
 * Rules that need no current data, checked before anything is uploaded or read (seed 001,
 * problem 6: negative stock was never validated).
 * @example
 * ```ts
 * validatePatchShape({ variants: { upsert: [{ sku: 'a', priceCents: 100, stock: -100 }] } }); // throws 400 INVALID_STOCK
 * ```
 */
export function validatePatchShape(patch: ProductPatch): void {
  for (const v of patch.variants?.upsert ?? []) {
    if (!Number.isInteger(v.stock) || v.stock < 0 || v.stock > 1_000_000)
      throw new PatchError(400, 'INVALID_STOCK', `Stock of ${v.sku} must be 0..1000000`);
    if (!Number.isInteger(v.priceCents) || v.priceCents <= 0)
      throw new PatchError(400, 'INVALID_PRICE', `Price of ${v.sku} must be a positive number of cents`);
  }
  if (patch._version !== undefined && !Number.isInteger(patch._version))
    throw new PatchError(400, 'INVALID_VERSION', '_version must be an integer');
}

/**
 * Rules on the product as it will be written. They run INSIDE the update intent, on the
 * exact product (images and variants included) the write is conditioned on, so they are
 * never stale (seed 001, problem 5).
 * @example
 * ```ts
 * validateProduct(next); // throws 422 TOO_MANY_IMAGES when next has 9 images
 * ```
 */
export function validateProduct(next: ProductRow): void {
  if (next.images.length > MAX_IMAGES)
    throw new PatchError(
      422,
      'TOO_MANY_IMAGES',
      `A product has at most ${MAX_IMAGES} images (this would make ${next.images.length})`,
    );
  if (next.images.filter((i) => i.isThumbnail).length > 1)
    throw new PatchError(422, 'MULTIPLE_THUMBNAILS', 'A product has at most one thumbnail');
  if (next.category === 'apparel')
    for (const v of next.variants)
      if (!v.attributes.size) throw new PatchError(422, 'MISSING_SIZE', `Apparel variant ${v.sku} needs a size`);
  if (next.status === 'PUBLISHED' && next.variants.length === 0)
    throw new PatchError(422, 'NO_VARIANTS', 'A published product needs a variant');
}
