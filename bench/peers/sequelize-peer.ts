import { optimisticLoop } from '../writers/optimistic-loop.js';
import { installedVersion } from './installed-version.js';
import { PEER_KEY, PEER_TABLE, type Peer } from './peer.js';

/**
 * Sequelize 6 with `version: true` (its optimistic locking): `findByPk`, change, `save()`,
 * which adds `WHERE version = …` and throws `OptimisticLockError` when the row moved —
 * caught and retried with the same full-jitter backoff as every hand-written loop.
 * @example
 * ```ts
 * const session = await sequelizePeer.open(url, 64);
 * ```
 */
export const sequelizePeer: Peer = {
  name: `Sequelize ${installedVersion('sequelize')}`,
  how: '`version: true`: `findByPk`, `n += 1`, `save()`; `OptimisticLockError` → retry (full-jitter backoff, 12 tries)',
  async open(url, connections) {
    const { DataTypes, OptimisticLockError, Sequelize } = await import('sequelize');
    const sequelize = new Sequelize(url, { logging: false, pool: { max: connections, min: 0, acquire: 60_000 } });
    const PeerRow = sequelize.define(
      'PeerRow',
      { id: { type: DataTypes.TEXT, primaryKey: true }, n: { type: DataTypes.INTEGER, allowNull: false } },
      { tableName: PEER_TABLE, timestamps: false, version: true },
    );
    await sequelize.authenticate();
    return {
      writer: () => () =>
        optimisticLoop(async () => {
          const row = await PeerRow.findByPk(PEER_KEY, { rejectOnEmpty: true });
          row.set('n', (row.get('n') as number) + 1);
          try {
            await row.save();
            return true;
          } catch (e) {
            if (e instanceof OptimisticLockError) return false;
            throw e;
          }
        }),
      close: () => sequelize.close(),
    };
  },
};
