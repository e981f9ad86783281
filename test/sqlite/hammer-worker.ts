// One OS process of the multi-process test: hammers the same rows of a shared SQLite
// file with `update` and `apply`, then prints the markers it got acknowledged as JSON.
import { add, collection, inc } from 'noclobber';
import { SqliteStore } from 'noclobber/sqlite';
import { openFile } from './sqlite-harness.js';

const [file, table, worker, rows, ops] = process.argv.slice(2) as [string, string, string, string, string];
const db = openFile(file);
const rowsN = Number(rows);
const store = collection(new SqliteStore(db, { table, key: 'id', json: ['markers'] }));
const acknowledged: string[] = [];
for (let i = 0; i < Number(ops); i++) {
  const id = `row-${i % rowsN}`;
  const marker = `p${worker}-${i}`;
  if (i % 2 === 0) {
    await store.update(id, (v) => ({ ...v, n: (v.n as number) + 1, markers: [...(v.markers as string[]), marker] }));
  } else {
    await store.apply(id, [inc('n', 1), add('markers', marker)]);
  }
  acknowledged.push(marker);
}
db.close();
process.stdout.write(JSON.stringify({ worker, acknowledged }));
