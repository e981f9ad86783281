/** A product image as stored (model `Image`). */
export interface ImageRow {
  id: string;
  productId: string;
  key: string;
  position: number;
  isThumbnail: boolean;
}

/** A sellable variant (model `Variant`). */
export interface VariantRow {
  id: string;
  productId: string;
  sku: string;
  priceCents: number;
  currency: string;
  stock: number;
  attributes: Record<string, string>;
}

/** A product with its images and variants: one versioned record (an aggregate). */
export interface ProductRow {
  id: string;
  name: string;
  description: string;
  category: string;
  status: 'DRAFT' | 'PUBLISHED';
  version: number;
  images: ImageRow[];
  variants: VariantRow[];
}

/** A row of the staged-upload ledger (model `StagedUpload`). */
export interface StagedUploadRow {
  key: string;
  productId: string;
  dueAt: Date;
  attempts: number;
  lastError: string | null;
}

type Where = Record<string, unknown>;
type Include = { include: { images: true; variants: true } };

/** What the example calls on a model of the extended client. */
interface ProductModel {
  create(args: { data: Where }): Promise<unknown>;
  update(args: { where: Where; data: Where }): Promise<unknown>;
  findUnique(args: { where: { id: string } } & Include): Promise<ProductRow | null>;
  $update(
    where: { id: string; version?: number },
    fn: (p: ProductRow) => ProductRow | Promise<ProductRow>,
    options: Include,
  ): Promise<ProductRow>;
  $delete(where: { id: string; version?: number }, options: Include): Promise<ProductRow>;
}

/** The transaction client (`tx`): the same models, inside the caller's transaction. */
export interface ShopTx {
  product: ProductModel;
  image: {
    count(args: { where: Where }): Promise<number>;
    createMany(args: { data: Where[] }): Promise<{ count: number }>;
  };
  stagedUpload: {
    createMany(args: { data: Where[]; skipDuplicates?: boolean }): Promise<{ count: number }>;
    deleteMany(args: { where: Where }): Promise<{ count: number }>;
    updateMany(args: { where: Where; data: Where }): Promise<{ count: number }>;
    findMany(args: { where: Where; orderBy?: Where; take?: number }): Promise<StagedUploadRow[]>;
    count(args?: { where?: Where }): Promise<number>;
  };
}

/**
 * The slice of the Prisma client the example uses, after `$extends(noclobber())`. Typed by
 * hand so the example type-checks before `prisma generate` has run; in an application it
 * is simply the type of `new PrismaClient({ adapter }).$extends(noclobber())`, which the
 * extension types from the generated client.
 */
export interface Shop extends ShopTx {
  $transaction<R>(
    fn: (tx: ShopTx) => Promise<R>,
    options?: { isolationLevel?: string; timeout?: number; maxWait?: number },
  ): Promise<R>;
}
