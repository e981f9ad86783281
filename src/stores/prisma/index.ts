export { FieldNames } from './field-names.js';
export { isTransactionClient, type PrismaClientLike, type PrismaTransactionOptions } from './prisma-client.js';
export { PrismaCodec } from './prisma-codec.js';
export { PrismaStatementError, toPgError } from './prisma-errors.js';
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
export { type ModelMapping, modelMapping } from './prisma-model.js';
export { prismaPool } from './prisma-pool.js';
export { type PrismaChildOptions, PrismaStore, type PrismaStoreConfig } from './prisma-store.js';
export { whereToCall } from './prisma-where.js';
