import { describe, it } from 'vitest';
import { dynamoEndpoint, dynamoHarness } from '../dynamodb/dynamo-harness.js';
import { describeConformance } from './suite.js';

const endpoint = await dynamoEndpoint();
if (endpoint)
  describeConformance('dynamodb', async () => dynamoHarness(endpoint), {
    versionKinds: ['integer', 'timestamp'],
    plain: true,
  });
else
  describe.skip('conformance: dynamodb (DynamoDB Local not available; see the warning above)', () =>
    it('runs the suite', () => {}));
