// One OS process of the PostgreSQL multi-process test: 8 connections hammering shared rows
// with update and apply; prints the markers it got acknowledged.
import { add, collection, inc } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import { newPool } from './pg-harness.js';

const [url, table, worker, rows, ops, connections] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const stores = await Promise.all(
  Array.from({ length: Number(connections) }, async () =>
    collection(await PostgresStore.open(newPool(url, 1), { table, key: 'id' })),
  ),
);
const acknowledged: string[] = [];
await Promise.all(
  stores.map(async (docs, c) => {
    for (let i = 0; i < Number(ops); i++) {
      const id = `row-${(c * 7 + i) % Number(rows)}`;
      const marker = `p${worker}-c${c}-${i}`;
      if (i % 2 === 0)
        await docs.update(id, (v) => ({ ...v, n: (v.n as number) + 1, markers: [...(v.markers as string[]), marker] }));
      else await docs.apply(id, [inc('n', 1), add('markers', marker)]);
      acknowledged.push(marker);
    }
  }),
);
process.stdout.write(JSON.stringify({ worker, acknowledged }));
process.exit(0);
