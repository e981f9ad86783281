import { optimisticLoop } from '../writers/optimistic-loop.js';
import { installedVersion } from './installed-version.js';
import { PEER_KEY, PEER_TABLE, type Peer } from './peer.js';

interface PeerRow {
  id: string;
  n: number;
  version: number;
}

/**
 * MikroORM 6 with a version property (`version: true`, declared through `EntitySchema`):
 * a forked EntityManager per attempt, `findOneOrFail`, change, `flush()` — which adds
 * `WHERE version = …` and throws `OptimisticLockError` when the row moved; retried with the
 * same full-jitter backoff as every hand-written loop. (MikroORM 7 needs Node 22.)
 * @example
 * ```ts
 * const session = await mikroOrmPeer.open(url, 64);
 * ```
 */
export const mikroOrmPeer: Peer = {
  name: `MikroORM ${installedVersion('@mikro-orm/core')}`,
  how: 'version property: `em.fork()`, `findOneOrFail`, `n += 1`, `flush()`; `OptimisticLockError` → retry (full-jitter backoff, 12 tries)',
  async open(url, connections) {
    const { EntitySchema, MikroORM, OptimisticLockError } = await import('@mikro-orm/postgresql');
    const schema = new EntitySchema<PeerRow>({
      name: 'PeerRow',
      tableName: PEER_TABLE,
      properties: {
        id: { type: 'string', columnType: 'text', primary: true },
        n: { type: 'integer' },
        version: { type: 'integer', version: true },
      },
    });
    const orm = await MikroORM.init({
      clientUrl: url,
      entities: [schema],
      pool: { min: 0, max: connections },
      debug: false,
      allowGlobalContext: false,
    });
    return {
      writer: () => () =>
        optimisticLoop(async () => {
          const em = orm.em.fork();
          const row = await em.findOneOrFail(schema, { id: PEER_KEY });
          row.n += 1;
          try {
            await em.flush();
            return true;
          } catch (e) {
            if (e instanceof OptimisticLockError) return false;
            throw e;
          }
        }),
      close: () => orm.close(true),
    };
  },
};
