import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { type Collection, collection } from 'noclobber';
import { type DynamoClient, DynamoStore } from 'noclobber/dynamodb';

/** A product as the admin UI stores it (seed 000). */
export interface Product {
  [field: string]: unknown;
  id: string;
  name: string;
  price_cents?: number;
  metadata: {
    mirrors: string[];
    primary_mirror?: string | null;
  };
}

/** The existing `products` table: partition key `id`; `updated_at` was already there. */
export async function createProductsTable(client: DynamoDBClient, table = 'products'): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
}

/**
 * The products collection. The seed's table already has `updated_at`, so it becomes the
 * version (an ISO timestamp that noclobber strictly increases): every write is conditioned
 * on the `updated_at` the caller read — the seed's proposed fix, applied to every mutation.
 * `fields` lists what these mutations may write; the products already in the table carry
 * more (sku, images, …), which every write keeps exactly as it is.
 * @example
 * ```ts
 * const products = await openProducts(new DynamoDBClient({ maxAttempts: 1 }));
 * ```
 */
export async function openProducts(client: DynamoClient, table = 'products'): Promise<Collection<Product>> {
  const store = await DynamoStore.open<Product>(client, {
    table,
    version: 'updated_at',
    versionKind: 'timestamp',
    fields: ['id', 'name', 'price_cents', 'metadata'],
    json: ['metadata'],
  });
  return collection(store);
}
