// A fault-suite worker: an HTTP server (Hono on a real port) serving `/docs/:id` with
// Idempotency-Keys kept in the records' database. With a fault it stops at one point of a
// request and says so on stdout, then waits for the parent's SIGKILL:
//   `between`  — the key's completion is about to be written (the write is made, its answer
//                not yet stored): where a crash used to leave a write applied and its key in flight;
//   `answered` — the response is ready, everything committed, not yet sent.
// The seam is the keys store (a wrapper whose completion write waits), not a hook in the library.
import { writeSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { collection, type Store } from 'noclobber';
import { honoResource } from 'noclobber/hono';
import { collectionIdempotency, type IdempotencyRecord } from 'noclobber/http';
import type { StoreSession, WriteCommand } from 'noclobber/store';
import { type DatabaseKind, openSameDatabase, type TableNames } from '../http/same-database.js';

const [kind, target, names, fault, ttlMs] = process.argv.slice(2) as [
  DatabaseKind,
  string,
  string,
  'between' | 'answered' | 'none',
  string,
];

const tell = (line: object) => writeSync(1, `${JSON.stringify(line)}\n`);
/** Stops here for good: the parent kills the process with SIGKILL. */
const stop = (at: string): Promise<never> => {
  tell({ at });
  return new Promise<never>(() => {});
};

const isCompletion = (cmd: WriteCommand) =>
  'ops' in cmd.change &&
  cmd.change.ops.some((op) => op.op === 'set' && op.path[0] === 'state' && op.value === 'completed');

/** The store, with every write of a key's completion stopped at `between` — as an autocommit write or inside a transaction it joined. */
function hooked<T extends object>(store: Store<T>): Store<T> {
  const before = async (cmd: WriteCommand) => {
    if (fault === 'between' && isCompletion(cmd)) await stop('between');
  };
  const session = <S extends StoreSession<T>>(s: S): S => ({
    ...s,
    write: async (cmd: WriteCommand) => {
      await before(cmd);
      return s.write(cmd);
    },
  });
  return new Proxy(store, {
    get(t, prop) {
      if (prop === 'write')
        return async (cmd: WriteCommand) => {
          await before(cmd);
          return t.write(cmd);
        };
      if (prop === 'joinTransaction')
        return (handle: unknown) => session((t.joinTransaction as (h: unknown) => StoreSession<T>).call(t, handle));
      const v = Reflect.get(t, prop, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

const db = await openSameDatabase(kind, target, JSON.parse(names) as TableNames);
const keys = collection(hooked(db.keys.store as Store<IdempotencyRecord>));
const app = new Hono();
app.use(async (_c, next) => {
  await next();
  if (fault === 'answered') await stop('answered');
});
app.all(
  '/docs/:id',
  honoResource({
    collection: db.docs,
    name: 'docs',
    idempotency: { store: collectionIdempotency(keys), ttlMs: Number(ttlMs) },
  }) as never,
);
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false }, (info) =>
  tell({ listening: `http://127.0.0.1:${info.port}` }),
);
