import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Product } from './products.js';

/**
 * The seed's code, for the test that shows the bug: read the product, change the mirrors
 * in memory, write the whole product back with no condition. `between` stands for the
 * server action's other awaits (auth, logging) between the read and the write.
 */
export async function naiveAddProductMirror(
  client: DynamoDBClient,
  table: string,
  id: string,
  url: string,
  between: () => Promise<void>,
): Promise<void> {
  const out = await client.send(new GetItemCommand({ TableName: table, Key: marshall({ id }), ConsistentRead: true }));
  const product = unmarshall(out.Item ?? {}) as Product;
  await between();
  product.metadata.mirrors = [...product.metadata.mirrors, url];
  product.metadata.primary_mirror ??= url;
  product.updated_at = new Date().toISOString();
  await client.send(new PutItemCommand({ TableName: table, Item: marshall(product) }));
}
