// One OS process of the DynamoDB multi-process test: several clients hammering shared items
// with update, apply and withLock (leases across processes); prints the markers acknowledged.
import { add, collection, inc } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { localClient } from '../../tools/services/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const [endpoint, table, worker, rows, ops, clients] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const stores = await Promise.all(
  Array.from({ length: Number(clients) }, async () =>
    // Every strategy waits for another holder's lease as long as withLock below does (20 s): on a
    // machine shared with another test run, 16 clients' leases on 5 items outlast the 5 s default.
    collection(await DynamoStore.open(localClient(endpoint), { table, fields: 'open', json: ['markers'] }), {
      lockTimeoutMs: 20_000,
    }),
  ),
);
const acknowledged: string[] = [];
await Promise.all(
  stores.map(async (docs, c) => {
    for (let i = 0; i < Number(ops); i++) {
      const id = `row-${(c * 3 + i) % Number(rows)}`;
      const marker = `p${worker}-c${c}-${i}`;
      if (i % 3 === 0)
        await docs.update(id, (v) => ({ ...v, n: (v.n as number) + 1, markers: [...(v.markers as string[]), marker] }));
      else if (i % 3 === 1) await docs.apply(id, [inc('n', 1), add('markers', marker)]);
      else
        await docs.withLock(id, (locked) => locked.apply([inc('n', 1), add('markers', marker)]), {
          lockTimeoutMs: 20_000,
        });
      acknowledged.push(marker);
    }
  }),
);
process.stdout.write(JSON.stringify({ worker, acknowledged }));
process.exit(0);
