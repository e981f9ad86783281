export { FieldNames } from './field-names.js';
export { isTransactionClient, type PrismaClientLike, type PrismaTransactionOptions } from './prisma-client.js';
export { PrismaStatementError, toPgError } from './prisma-errors.js';
export { type ModelMapping, modelMapping } from './prisma-model.js';
export { prismaPool } from './prisma-pool.js';
export { type PrismaChildOptions, PrismaStore, type PrismaStoreConfig } from './prisma-store.js';
