import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoClient } from 'noclobber/dynamodb';

/** A client that records the name of every command it sends to the real one. */
export function counting(client: DynamoDBClient): { client: DynamoClient; sent: string[] } {
  const sent: string[] = [];
  const send = (command: { constructor: { name: string } }) => {
    sent.push(command.constructor.name.replace(/Command$/, ''));
    return client.send(command as never);
  };
  return { client: { send } as unknown as DynamoClient, sent };
}

/**
 * A client whose first `times` commands named `command` reach DynamoDB and are applied, but
 * whose answers are lost on the way back (a timeout with no HTTP status): the unknown
 * outcome a network failure leaves.
 */
export function answerLost(client: DynamoDBClient, command: string, times = 1): DynamoClient {
  let left = times;
  const send = async (cmd: { constructor: { name: string } }) => {
    const out = await client.send(cmd as never);
    if (left > 0 && cmd.constructor.name === `${command}Command`) {
      left--;
      throw Object.assign(new Error('socket hang up after the request was sent'), {
        name: 'TimeoutError',
        $metadata: {},
      });
    }
    return out;
  };
  return { send } as unknown as DynamoClient;
}

/**
 * A client whose successive `command` sends meet the given faults, in order, then reach
 * DynamoDB normally: `lost` — applied, but the answer never comes back (a timeout with no
 * HTTP status); `refused` — the connection is refused and nothing is sent (`ECONNREFUSED`).
 */
export function faultSequence(
  client: DynamoDBClient,
  command: string,
  faults: readonly ('lost' | 'refused')[],
): DynamoClient {
  const left = [...faults];
  const send = async (cmd: { constructor: { name: string } }) => {
    const fault = cmd.constructor.name === `${command}Command` ? left.shift() : undefined;
    if (fault === 'refused')
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { name: 'Error', code: 'ECONNREFUSED' });
    const out = await client.send(cmd as never);
    if (fault === 'lost')
      throw Object.assign(new Error('socket hang up after the request was sent'), {
        name: 'TimeoutError',
        $metadata: {},
      });
    return out;
  };
  return { send } as unknown as DynamoClient;
}
