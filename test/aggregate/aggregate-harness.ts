import type { Row, Store } from 'noclobber';

/** A product as the aggregate suite sees it: the root row with its two relations. */
export interface ShopProduct {
  [field: string]: unknown;
  id: string;
  name: string;
  category: string;
  hits: number;
  tags: string[] | null;
  images: { id: string; productId?: string; key: string; position: number }[];
  variants: { id: string; productId?: string; sku: string; price: number; stock: number }[];
}

/**
 * What a store provides to run the aggregate suite: fresh shop tables (products, images,
 * variants, with foreign keys) bound to an aggregate store, more connections, and a view
 * of the child tables read with plain SQL (so the suite checks the tables, not the store).
 */
export interface AggregateHarness {
  /** Creates fresh tables; every store returned afterwards is bound to them. */
  tables(): Promise<void>;
  /** An aggregate store over a NEW connection (pool, client) to the current tables. */
  connect(): Promise<Store<ShopProduct>>;
  /** On one NEW connection: the aggregate store, and a plain store of its root table (the same record names). */
  connectWithRoot(): Promise<{ aggregate: Store<ShopProduct>; root: Store<Row> }>;
  /** The child rows of a product as stored, in the suite's field names, ordered by id. */
  stored(productId: string): Promise<{ images: Row[]; variants: Row[]; version: string | undefined }>;
  close(): Promise<void>;
}
