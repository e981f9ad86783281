import type { BlobStore } from './blob-store.js';
import type { CatalogContext } from './patch-product.js';
import type { Shop } from './shop.js';
import { type LedgerOptions, UploadLedger } from './upload-ledger.js';

/**
 * Starts the product service: its context for `patchProduct` / `deleteProduct`, and the
 * ledger's sweeper on a schedule (every minute by default), until `stop()`.
 * @example
 * ```ts
 * const shop = startShop(prisma, blobs, { sweepEveryMs: 60_000 });
 * await patchProduct(shop.ctx, 'p1', patch);
 * await shop.stop();
 * ```
 */
export function startShop(
  prisma: Shop,
  blobs: BlobStore,
  options: LedgerOptions & { readonly sweepEveryMs?: number } = {},
): { ctx: CatalogContext; stop(): Promise<void> } {
  const ledger = new UploadLedger(prisma, blobs, options);
  const sweeper = ledger.start(options.sweepEveryMs ?? 60_000);
  return { ctx: { prisma, blobs, ledger }, stop: () => sweeper.stop() };
}
