// A fault-suite worker killed with SIGKILL in the middle of its third write, at one phase:
// `statement-sent` (an autocommit write handed to the socket), `commit-sent` (a transaction's
// COMMIT handed to the socket) or `before-statement`. It prints each write before and after.
import { add, collection, inc } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import { newPool } from '../postgres/pg-harness.js';
import { type FaultPlan, faultyPool } from './fault-pool.js';
import { say } from './workers.js';

const [url, table, worker, phase] = process.argv.slice(2) as [string, string, string, string];
let armed = false;
const die = () => process.kill(process.pid, 'SIGKILL');
const isWrite = (sql: string) => sql.startsWith('WITH w AS (UPDATE');
const plan: FaultPlan = {
  before: (p) => {
    if (armed && phase === 'before-statement' && isWrite(p.sql)) die();
  },
  inflight: (p) => {
    if (armed && phase === 'statement-sent' && isWrite(p.sql)) die();
    if (armed && phase === 'commit-sent' && p.sql === 'COMMIT') die();
  },
};
const docs = collection(
  await PostgresStore.open(
    faultyPool(newPool(url, 1), () => plan),
    { table, key: 'id' },
  ),
);
for (let i = 0; i < 3; i++) {
  const marker = `k${worker}-${i}`;
  armed = i === 2;
  if (phase === 'commit-sent') {
    say({ start: marker, rows: ['row-0', 'row-1'] });
    await docs.transact(async (tx) => {
      await tx.apply('row-0', [inc('n', 1), add('markers', marker)]);
      await tx.apply('row-1', [inc('n', 1), add('markers', marker)]);
    });
  } else {
    say({ start: marker, rows: ['row-0'] });
    await docs.apply('row-0', [inc('n', 1), add('markers', marker)]);
  }
  say({ ack: marker });
}
process.exit(0);
