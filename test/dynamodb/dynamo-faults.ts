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
