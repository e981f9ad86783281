/**
 * `noclobber/dynamodb`: the DynamoDB store on AWS SDK v3.
 * @example
 * ```ts
 * import { DynamoStore } from 'noclobber/dynamodb';
 * const products = collection(await DynamoStore.open(new DynamoDBClient({ maxAttempts: 1 }), { table: 'products' }));
 * ```
 */
export * from './stores/dynamodb/index.js';
