import { optimisticLoop } from '../writers/optimistic-loop.js';
import { installedVersion } from './installed-version.js';
import { PEER_KEY, PEER_TABLE, type Peer } from './peer.js';

interface PeerRow {
  id: string;
  n: number;
  version: number;
}

/**
 * TypeORM with a version column (`@VersionColumn`, declared here through `EntitySchema`
 * with `version: true`) and `save()`: load, change, save. Should TypeORM ever reject a
 * stale save (`OptimisticLockVersionMismatchError`), the loop retries it with the same
 * backoff as the others.
 * @example
 * ```ts
 * const session = await typeormPeer.open(url, 64);
 * ```
 */
export const typeormPeer: Peer = {
  name: `TypeORM ${installedVersion('typeorm')}`,
  how: '`@VersionColumn` (as `EntitySchema` `version: true`): `findOneBy`, `n += 1`, `save()`; a version-mismatch error would be retried',
  async open(url, connections) {
    const { DataSource, EntitySchema, OptimisticLockVersionMismatchError } = await import('typeorm');
    const schema = new EntitySchema<PeerRow>({
      name: 'PeerRow',
      tableName: PEER_TABLE,
      columns: {
        id: { type: 'text', primary: true },
        n: { type: 'integer' },
        version: { type: 'integer', version: true },
      },
    });
    const ds = new DataSource({
      type: 'postgres',
      url,
      entities: [schema],
      poolSize: connections,
      synchronize: false,
      logging: false,
    });
    await ds.initialize();
    const repo = ds.getRepository(schema);
    return {
      writer: () => () =>
        optimisticLoop(async () => {
          const row = await repo.findOneByOrFail({ id: PEER_KEY });
          row.n += 1;
          try {
            await repo.save(row);
            return true;
          } catch (e) {
            if (e instanceof OptimisticLockVersionMismatchError) return false;
            throw e;
          }
        }),
      close: () => ds.destroy(),
    };
  },
};
