/**
 * `noclobber/prisma`: noclobber on your own PrismaClient (Prisma 7, PostgreSQL adapter).
 * @example
 * ```ts
 * import { PrismaStore } from 'noclobber/prisma';
 * const products = collection(await PrismaStore.open(prisma, { model: 'Product' }));
 * ```
 */
export * from './stores/prisma/index.js';
