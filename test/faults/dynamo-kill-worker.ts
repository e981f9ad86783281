// A fault-suite worker killed with SIGKILL at its third write: `before-send` (the request was
// never handed to the SDK) or `applied-unanswered` (DynamoDB applied it — another client sees
// it — and the answer was never read), for a single write or a transaction's commit.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { add, collection, inc } from 'noclobber';
import { type DynamoClient, DynamoStore } from 'noclobber/dynamodb';
import { localClient } from '../../tools/services/index.js';
import { say } from './workers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const [endpoint, table, worker, phase, call] = process.argv.slice(2) as [string, string, string, string, string];
const real = localClient(endpoint);
const watcher = localClient(endpoint);
const WRITES = new Set(['UpdateItemCommand', 'PutItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand']);
let armed = false;
let marker = '';
const die = () => process.kill(process.pid, 'SIGKILL');
// Each worker has rows of its own, so its writes never conflict and the armed one is applied.
const rowA = `w${worker}-a`;
const rowB = `w${worker}-b`;
const applied = async () => {
  for (let i = 0; i < 2000; i++) {
    const out = await watcher.send(
      new GetItemCommand({ TableName: table, Key: { id: { S: rowA } }, ConsistentRead: true }),
    );
    if ((out.Item?.markers?.L ?? []).some((m) => m.S === marker)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
};
const client = {
  send: async (cmd: { constructor: { name: string } }) => {
    if (armed && WRITES.has(cmd.constructor.name)) {
      if (phase === 'before-send') die();
      const pending = real.send(cmd as never);
      pending.catch(() => {});
      await applied();
      die();
    }
    return real.send(cmd as never);
  },
} as unknown as DynamoClient;
const docs = collection(await DynamoStore.open(client, { table, json: ['markers'] }));
for (let i = 0; i < 3; i++) {
  marker = `k${worker}-${i}`;
  armed = i === 2;
  if (call === 'transact') {
    say({ start: marker, rows: [rowA, rowB] });
    await docs.transact(async (tx) => {
      await tx.apply(rowA, [inc('n', 1), add('markers', marker)]);
      await tx.apply(rowB, [inc('n', 1), add('markers', marker)]);
    });
  } else {
    say({ start: marker, rows: [rowA] });
    await docs.apply(rowA, [inc('n', 1), add('markers', marker)]);
  }
  say({ ack: marker });
}
process.exit(0);
