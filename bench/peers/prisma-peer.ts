import { pathToFileURL } from 'node:url';
import { optimisticLoop } from '../writers/optimistic-loop.js';
import { generatePrismaClient } from './generate-prisma-client.js';
import { installedVersion } from './installed-version.js';
import { PEER_KEY, type Peer } from './peer.js';

/** The slice of the generated client the benchmark uses (typed here: the client is generated at run time). */
interface PrismaLike {
  peerRow: {
    findUniqueOrThrow(args: { where: { id: string } }): Promise<{ id: string; n: number; version: number }>;
    updateMany(args: {
      where: { id: string; version: number };
      data: { n: number; version: { increment: number } };
    }): Promise<{ count: number }>;
  };
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
}

/**
 * Prisma 7 with the `pg` driver adapter, running the optimistic concurrency control loop
 * from Prisma's docs: read, then `updateMany({ where: { id, version }, data: { …,
 * version: { increment: 1 } } })`, and `count === 0` means someone else won — retried here
 * with the same full-jitter backoff as every hand-written loop.
 * @example
 * ```ts
 * const session = await prismaPeer.open(url, 64);
 * ```
 */
export const prismaPeer: Peer = {
  name: `Prisma ${installedVersion('@prisma/client')}`,
  how: 'documented OCC: `findUnique`, then `updateMany({ where: { id, version }, data: { n, version: { increment: 1 } } })`; `count === 0` → retry (full-jitter backoff, 12 tries)',
  async open(url, connections) {
    const file = await generatePrismaClient();
    const { PrismaClient } = (await import(pathToFileURL(file).href)) as {
      PrismaClient: new (options: { adapter: unknown }) => PrismaLike;
    };
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: connections }) });
    await prisma.$connect();
    return {
      writer: () => () =>
        optimisticLoop(async () => {
          const row = await prisma.peerRow.findUniqueOrThrow({ where: { id: PEER_KEY } });
          const { count } = await prisma.peerRow.updateMany({
            where: { id: PEER_KEY, version: row.version },
            data: { n: row.n + 1, version: { increment: 1 } },
          });
          return count === 1;
        }),
      close: () => prisma.$disconnect(),
    };
  },
};
