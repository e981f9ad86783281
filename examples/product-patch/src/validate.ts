import type { Product, Variant } from './catalog.js';

/** The most images a product may have. */
export const MAX_IMAGES = 8;

/** What a client may send to PATCH a product. */
export interface ProductPatch {
  readonly name?: string;
  readonly category?: string;
  readonly images?: { readonly create?: readonly { readonly id: string; readonly bytes: Uint8Array }[]; readonly delete?: readonly string[] };
  readonly variants?: { readonly upsert?: readonly Variant[]; readonly delete?: readonly string[] };
}

/** A patch that breaks a product rule (HTTP 422). Thrown from the update intent, so never retried. */
export class ValidationError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ValidationError';
    this.code = code;
  }
}

/**
 * Rules that need no current data: checked before any upload (seed 001, problem 6:
 * negative stock was never validated).
 * @example
 * ```ts
 * validatePatchShape({ variants: { upsert: [{ sku: 'a', price: 1, stock: -100, attributes: {} }] } }); // throws INVALID_STOCK
 * ```
 */
export function validatePatchShape(patch: ProductPatch): void {
  for (const v of patch.variants?.upsert ?? []) {
    if (!Number.isInteger(v.stock) || v.stock < 0) throw new ValidationError('INVALID_STOCK', `Stock of ${v.sku} cannot be negative`);
    if (!(v.price > 0)) throw new ValidationError('INVALID_PRICE', `Price of ${v.sku} must be positive`);
  }
}

/**
 * Rules that depend on the product as it is now. They run INSIDE the update intent, on
 * the exact snapshot the write is conditioned on, so they can never be stale (seed 001,
 * problem 5).
 * @example
 * ```ts
 * validateAgainst(current, patch); // throws TOO_MANY_IMAGES when current + new > 8
 * ```
 */
export function validateAgainst(current: Product, patch: ProductPatch): void {
  const deleting = new Set(patch.images?.delete ?? []);
  for (const id of deleting) {
    if (!current.images.some((img) => img.id === id)) throw new ValidationError('IMAGE_NOT_FOUND', `Image ${id} is not on this product`);
  }
  const count = current.images.length - deleting.size + (patch.images?.create?.length ?? 0);
  if (count > MAX_IMAGES) throw new ValidationError('TOO_MANY_IMAGES', `A product has at most ${MAX_IMAGES} images (this would make ${count})`);
  const category = patch.category ?? current.category;
  if (category === 'apparel') {
    const variants = new Map(current.variants.map((v) => [v.sku, v]));
    for (const v of patch.variants?.upsert ?? []) variants.set(v.sku, v);
    for (const sku of patch.variants?.delete ?? []) variants.delete(sku);
    for (const v of variants.values()) {
      if (!v.attributes.size) throw new ValidationError('MISSING_SIZE', `Apparel variant ${v.sku} needs a size`);
    }
  }
}
