/**
 * The shop the Prisma tests use: products with images and variants (child relations,
 * foreign keys to the product), fields mapped to differently named columns, and a model
 * with Prisma's non-JSON types (DateTime, BigInt, Decimal). Tables are created with SQL.
 */
export const SHOP_MODELS = `
model Product {
  id       String    @id
  name     String
  category String    @map("category_name")
  hits     Int       @default(0)
  tags     Json?
  version  Int       @default(1) @map("row_version")
  images   Image[]
  variants Variant[]

  @@map("products")
}

model Image {
  id        String  @id
  productId String  @map("product_id")
  key       String  @map("storage_key")
  position  Int
  product   Product @relation(fields: [productId], references: [id])

  @@map("product_images")
}

model Variant {
  id        String  @id
  productId String  @map("product_id")
  sku       String  @unique
  price     Float
  stock     Int
  product   Product @relation(fields: [productId], references: [id])

  @@map("product_variants")
}

model Gadget {
  id        String   @id
  label     String
  views     BigInt   @default(0)
  weight    Decimal? @db.Decimal(10, 2)
  releasedAt DateTime @map("released_at") @db.Timestamptz(3)
  version   Int      @default(1)

  @@map("gadgets")
}
`;

/** The same shop as SQL, in one schema. */
export function shopDdl(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE SCHEMA ${s}`,
    `CREATE TABLE ${s}.products (id text PRIMARY KEY, name text NOT NULL, category_name text NOT NULL, hits integer NOT NULL DEFAULT 0, tags jsonb, row_version integer NOT NULL DEFAULT 1)`,
    `CREATE TABLE ${s}.product_images (id text PRIMARY KEY, product_id text NOT NULL REFERENCES ${s}.products (id), storage_key text NOT NULL, position integer NOT NULL)`,
    `CREATE TABLE ${s}.product_variants (id text PRIMARY KEY, product_id text NOT NULL REFERENCES ${s}.products (id), sku text NOT NULL UNIQUE, price double precision NOT NULL, stock integer NOT NULL CHECK (stock >= 0))`,
    `CREATE TABLE ${s}.gadgets (id text PRIMARY KEY, label text NOT NULL, views bigint NOT NULL DEFAULT 0, weight numeric(10, 2), released_at timestamptz(3) NOT NULL, version integer NOT NULL DEFAULT 1)`,
  ];
}
