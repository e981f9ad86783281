export type { PrismaClientLike, PrismaTransactionOptions } from './prisma-client.js';
export { PrismaStatementError } from './prisma-errors.js';
export { noclobber } from './prisma-extension.js';
export type {
  NoclobberCallOptions,
  NoclobberExtension,
  NoclobberInclude,
  NoclobberLocked,
  NoclobberLockOptions,
  NoclobberModelMethods,
  NoclobberModelOptions,
  NoclobberPrismaOptions,
  NoclobberRow,
  NoclobberUpdateOptions,
  NoclobberWhere,
} from './prisma-extension-types.js';
export { type PrismaChildOptions, PrismaStore, type PrismaStoreConfig } from './prisma-store.js';
