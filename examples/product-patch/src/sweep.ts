import { add, remove } from 'noclobber';
import type { CatalogContext } from './patch-product.js';

/** What one sweep did. */
export interface SweepResult {
  readonly deleted: number;
  readonly failed: number;
}

/**
 * Moves upload keys from `pending_uploads` to `pending_deletes` in ONE pushdown write, so
 * a key is always in one outbox or the other: never referenced by nothing.
 * @example
 * ```ts
 * await moveToPendingDeletes(ctx, 'p1', ['products/p1/123-abc']);
 * ```
 */
export async function moveToPendingDeletes(ctx: CatalogContext, id: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await ctx.products.apply(
    id,
    keys.flatMap((k) => [remove('pending_uploads', k), add('pending_deletes', k)]),
  );
}

/**
 * Deletes the files in a product's `pending_deletes` outbox, removing each key only after
 * its file is gone. Never throws: a failed delete stays in the outbox for the next sweep.
 * @example
 * ```ts
 * const { failed } = await sweepProduct(ctx, 'p1');
 * ```
 */
export async function sweepProduct(ctx: CatalogContext, id: string): Promise<SweepResult> {
  const snap = await ctx.products.get(id);
  let deleted = 0;
  let failed = 0;
  for (const key of snap?.value.pending_deletes ?? []) {
    try {
      await ctx.blobs.delete(key);
      await ctx.products.apply(id, [remove('pending_deletes', key)]);
      deleted++;
    } catch {
      failed++;
    }
  }
  return { deleted, failed };
}

/**
 * Recovers from crashes: uploads recorded longer than `uploadTtlMs` ago whose patch never
 * committed are moved to the delete outbox (a patch still in flight then fails its
 * `UPLOAD_EXPIRED` check instead of referencing a swept file), then the outbox is swept.
 * @example
 * ```ts
 * await sweepStale(ctx, 'p1', { uploadTtlMs: 15 * 60_000 });
 * ```
 */
export async function sweepStale(ctx: CatalogContext, id: string, options: { uploadTtlMs: number }): Promise<SweepResult> {
  const now = (ctx.now ?? Date.now)();
  const snap = await ctx.products.get(id);
  const stale = (snap?.value.pending_uploads ?? []).filter((k) => {
    const stamp = Number(k.split('/').pop()?.split('-')[0]);
    return Number.isFinite(stamp) && now - stamp >= options.uploadTtlMs;
  });
  await moveToPendingDeletes(ctx, id, stale);
  return sweepProduct(ctx, id);
}
