import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError, startDynamoDbLocal } from './index.js';

describe('DynamoDB Local starter', () => {
  it('without Java: one line naming the cause and what to install, no unhandled error', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    let failure: unknown;
    try {
      failure = await startDynamoDbLocal().then(
        () => undefined,
        (e: unknown) => e,
      );
    } finally {
      process.env.PATH = path;
    }
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect((failure as ServiceUnavailableError).message).toBe(
      'dynamodb could not start: Java was not found on the PATH — install a Java 17+ runtime (apt-get install default-jre-headless)',
    );
  });
});
