import type Database from 'better-sqlite3';
import { type Collection, collection } from 'noclobber';
import { SqliteStore } from 'noclobber/sqlite';

/** An image of a product: its id and its object-storage key. */
export interface Image {
  readonly id: string;
  readonly key: string;
}

/** A sellable variant. */
export interface Variant {
  readonly sku: string;
  readonly price: number;
  readonly stock: number;
  readonly attributes: Record<string, string>;
}

/**
 * A product row. `pending_uploads` and `pending_deletes` are an outbox kept in the row
 * itself, so recording "this file must be cleaned up" is atomic with the change that
 * makes it so.
 */
export interface Product {
  [field: string]: unknown;
  id: string;
  name: string;
  category: string;
  images: Image[];
  variants: Variant[];
  pending_uploads: string[];
  pending_deletes: string[];
}

/** The products table (an existing table: noclobber binds it, it does not own it). */
export const PRODUCTS_DDL = `
CREATE TABLE IF NOT EXISTS products (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL DEFAULT 1,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  images TEXT NOT NULL DEFAULT '[]',
  variants TEXT NOT NULL DEFAULT '[]',
  pending_uploads TEXT NOT NULL DEFAULT '[]',
  pending_deletes TEXT NOT NULL DEFAULT '[]'
)`;

/**
 * Opens the products collection on a SQLite database (creating the table if needed).
 * @example
 * ```ts
 * const products = openProducts(new Database('shop.db'));
 * ```
 */
export function openProducts(db: Database.Database): Collection<Product> {
  db.exec(PRODUCTS_DDL);
  return collection(
    new SqliteStore<Product>(db, {
      table: 'products',
      key: 'id',
      json: ['images', 'variants', 'pending_uploads', 'pending_deletes'],
    }),
  );
}
