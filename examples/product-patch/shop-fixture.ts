import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { generatePrismaClient } from '../../test/prisma/prisma-generate.js';
import { BlobStore } from './src/blob-store.js';
import { createShop, type ShopClientClass } from './src/create-shop.js';
import { PatchError } from './src/patch-error.js';
import type { CatalogContext } from './src/patch-product.js';
import type { ProductRow, Shop } from './src/shop.js';
import { UploadLedger } from './src/upload-ledger.js';

const here = (p: string) => join(import.meta.dirname, p);
/** Text as the bytes of an upload. */
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * The seed's stack for one test file, in the describe block it is called in: a generated
 * Prisma 7 client, a fresh PostgreSQL schema and blob directory per test, and helpers to
 * connect clients, seed products and check that storage holds exactly what products reference.
 */
export function shopFixture(url: string) {
  let PrismaClient: ShopClientClass;
  let schema: string;
  let seq = 0;
  const clients: { $disconnect(): Promise<void> }[] = [];
  let blobs: BlobStore;
  const blobDirs: string[] = [];
  let admin: Shop;
  const logs: Record<string, unknown>[] = [];

  /** A client of its own (its own pool), as separate app servers have. */
  function connect(max = 3): Shop {
    const shop = createShop(
      PrismaClient,
      new PrismaPg(
        { connectionString: url, max, idleTimeoutMillis: 1000, options: `-c search_path=${schema}` },
        { schema },
      ),
    );
    clients.push(shop);
    return shop;
  }
  function context(
    prisma = connect(),
    ledgerOptions: ConstructorParameters<typeof UploadLedger>[2] = {},
  ): CatalogContext {
    return {
      prisma,
      blobs,
      ledger: new UploadLedger(prisma, blobs, {
        retryBaseMs: 10,
        log: (m, d) => void logs.push({ m, ...d }),
        ...ledgerOptions,
      }),
    };
  }

  async function seedProduct(id: string, images: number, extra: Partial<ProductRow> = {}): Promise<void> {
    const keys = Array.from({ length: images }, (_, i) => `products/${id}/seed-${i}`);
    for (const k of keys) await blobs.put(k, bytes(k));
    await admin.product.create({
      data: {
        id,
        name: 'Tee',
        category: 'apparel',
        ...extra,
        images: { create: keys.map((key, i) => ({ id: `${id}-img${i}`, key, position: i })) },
        variants: {
          create: [{ id: `${id}-m`, sku: `${id}-tee-m`, priceCents: 2000, stock: 5, attributes: { size: 'M' } }],
        },
      },
    });
  }
  const read = async (id: string) =>
    (await admin.product.findUnique({ where: { id }, include: { images: true, variants: true } })) as ProductRow;

  /** Storage holds exactly the files products reference, and the ledger is empty: nothing orphaned, nothing dangling. */
  async function expectStorageMatches(): Promise<void> {
    const rows = await (admin as unknown as { $queryRawUnsafe(s: string): Promise<{ key: string }[]> }).$queryRawUnsafe(
      'SELECT key FROM "Image"',
    );
    const referenced = rows.map((r) => r.key).sort();
    expect(await blobs.list()).toEqual(referenced);
    expect(await admin.stagedUpload.count()).toBe(0);
  }
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof PatchError ? e.code : `unexpected: ${String(e)}`),
    );

  beforeAll(async () => {
    const file = await generatePrismaClient(readFileSync(here('prisma/schema.prisma'), 'utf8'), 'product-patch');
    PrismaClient = ((await import(pathToFileURL(file).href)) as { PrismaClient: ShopClientClass }).PrismaClient;
  });
  beforeEach(async () => {
    schema = `shop_${process.pid}_${++seq}`;
    blobDirs.push(mkdtempSync(join(tmpdir(), 'nc-shop-')));
    blobs = new BlobStore(join(blobDirs.at(-1) as string, 'blobs'));
    logs.length = 0;
    const setup = connect(1) as unknown as { $executeRawUnsafe(s: string): Promise<number> };
    await setup.$executeRawUnsafe(`CREATE SCHEMA "${schema}"`);
    for (const statement of readFileSync(here('prisma/schema.sql'), 'utf8')
      .split(';')
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter(Boolean))
      await setup.$executeRawUnsafe(statement);
    admin = connect(2);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.$disconnect()));
    for (const d of blobDirs) rmSync(d, { recursive: true, force: true });
  });

  return {
    connect,
    context,
    seedProduct,
    read,
    expectStorageMatches,
    outcome,
    logs,
    get blobs(): BlobStore {
      return blobs;
    },
    get admin(): Shop {
      return admin;
    },
  };
}

/** Waits until `check` holds, polling, for at most `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
