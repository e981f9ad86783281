import { noclobber } from 'noclobber/prisma';
import type { Shop } from './shop.js';

/** The constructor of the client `prisma generate` wrote from `prisma/schema.prisma`. */
export type ShopClientClass = new (options: {
  adapter: unknown;
}) => { $extends(extension: unknown): unknown; $disconnect(): Promise<void> };

/**
 * The shop's Prisma client with noclobber's extension: `prisma.product.$update(…)` and
 * friends. Images come in display order.
 * @example
 * ```ts
 * import { PrismaPg } from '@prisma/adapter-pg';
 * import { PrismaClient } from '../generated/client.js';
 * const prisma = createShop(PrismaClient, new PrismaPg({ connectionString: process.env.DATABASE_URL }));
 * ```
 */
export function createShop(PrismaClient: ShopClientClass, adapter: unknown): Shop & { $disconnect(): Promise<void> } {
  const extension = noclobber({ models: { Product: { relations: { images: { orderBy: ['position', 'id'] } } } } });
  return new PrismaClient({ adapter }).$extends(extension) as Shop & { $disconnect(): Promise<void> };
}
