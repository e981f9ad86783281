-- The tables of schema.prisma, as `prisma migrate` would create them.
CREATE TYPE "ProductStatus" AS ENUM ('DRAFT', 'PUBLISHED');

CREATE TABLE "Product" (
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL,
  "description" TEXT NOT NULL DEFAULT '',
  "category" TEXT NOT NULL,
  "status" "ProductStatus" NOT NULL DEFAULT 'DRAFT',
  "version" INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE "Image" (
  "id" TEXT PRIMARY KEY,
  "productId" TEXT NOT NULL REFERENCES "Product" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "key" TEXT NOT NULL UNIQUE,
  "position" INTEGER NOT NULL,
  "isThumbnail" BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX "Image_productId_idx" ON "Image" ("productId");

CREATE TABLE "Variant" (
  "id" TEXT PRIMARY KEY,
  "productId" TEXT NOT NULL REFERENCES "Product" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "sku" TEXT NOT NULL UNIQUE,
  "priceCents" INTEGER NOT NULL,
  "currency" TEXT NOT NULL DEFAULT 'EUR',
  "stock" INTEGER NOT NULL DEFAULT 0,
  "attributes" JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX "Variant_productId_idx" ON "Variant" ("productId");

CREATE TABLE "StagedUpload" (
  "key" TEXT PRIMARY KEY,
  "productId" TEXT NOT NULL,
  "dueAt" TIMESTAMPTZ(3) NOT NULL,
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "lastError" TEXT
);
CREATE INDEX "StagedUpload_dueAt_idx" ON "StagedUpload" ("dueAt");
