import type { Args, InternalArgs, Result } from '@prisma/client/runtime/client';
import type { Op } from '../../core/ops.js';
import type { RetryOptions } from '../../core/retry-policy.js';
import type { PrismaTransactionOptions } from './prisma-client.js';
import type { PrismaChildOptions } from './prisma-store.js';

/** A unique `where` of the model (its key; may also name the version and filters on other fields). */
export type NoclobberWhere<T> = Args<T, 'update'>['where'];
/** Relations a call may include, as in `findUnique({ include })`: `{ images: true }`. */
export type NoclobberInclude<T> = NonNullable<Args<T, 'findUniqueOrThrow'>['include']>;
/** The model's row as `findUniqueOrThrow({ where, include })` returns it. */
export type NoclobberRow<T, I> = Result<T, { include: I }, 'findUniqueOrThrow'>;

/** Options of every noclobber model method. */
export interface NoclobberCallOptions<I> {
  /** Relations read and written with the row (an aggregate): the whole aggregate is one versioned record. */
  readonly include?: I;
  readonly retry?: RetryOptions;
}

/** Options of `$update`. */
export interface NoclobberUpdateOptions<Row, I> extends NoclobberCallOptions<I> {
  /** Runs once, after the write commits, with the row written. */
  readonly afterCommit?: (row: Row) => unknown;
}

/** Options of `$withLock`. */
export interface NoclobberLockOptions<I> extends NoclobberCallOptions<I> {
  readonly lockTimeoutMs?: number;
  /** Fail at once with `LockBusyError` instead of waiting. */
  readonly nowait?: boolean;
}

/** The row held under `$withLock`; writes are conditioned on the version read under the lock. */
export interface NoclobberLocked<Row> {
  /** The row as it stands (null when it does not exist). */
  readonly row: Row | null;
  apply(ops: readonly Op[]): Promise<Row>;
  replace(row: Row): Promise<Row>;
}

/**
 * The methods the extension gives every model (`prisma.product.$update(…)`), typed from
 * your generated client through Prisma's `Args` / `Result`.
 */
export interface NoclobberModelMethods {
  /**
   * Optimistic read-modify-write: reads the row (and `include`d relations), runs `fn`,
   * writes what it returns conditioned on the version read, and on a conflict re-reads and
   * re-runs `fn`. A `version` in `where` is the version your client saw: a moved row is a
   * `ConflictError` (409) carrying the current row.
   */
  $update<T, I extends NoclobberInclude<T> = {}>(
    this: T,
    where: NoclobberWhere<T>,
    fn: (current: NoclobberRow<T, I>) => NoclobberRow<T, I> | Promise<NoclobberRow<T, I>>,
    options?: NoclobberUpdateOptions<NoclobberRow<T, I>, I>,
  ): Promise<NoclobberRow<T, I>>;
  /** Pushdown: applies noclobber ops (`inc`, `merge`, `set` …) in one conditional statement, without reading first. */
  $apply<T, I extends NoclobberInclude<T> = {}>(
    this: T,
    where: NoclobberWhere<T>,
    ops: readonly Op[],
    options?: NoclobberCallOptions<I>,
  ): Promise<NoclobberRow<T, I>>;
  /**
   * Checked delete: deletes the row (and its `include`d relations) when it exists and
   * `where` holds — a `version` in it must be current — and returns what was deleted.
   */
  $delete<T, I extends NoclobberInclude<T> = {}>(
    this: T,
    where: NoclobberWhere<T>,
    options?: NoclobberCallOptions<I>,
  ): Promise<NoclobberRow<T, I>>;
  /**
   * Create-only: creates the row (and its `include`d relations) when its key is free — a
   * `ConflictError` (`exists`) otherwise. Through noclobber, a key deleted before starts after
   * its tombstone, so no `version` of an earlier row matches this one; Prisma's own `create`
   * writes whatever version you give it (or the column's default).
   */
  $create<T, I extends NoclobberInclude<T> = {}>(
    this: T,
    data: Partial<NoclobberRow<T, I>>,
    options?: NoclobberCallOptions<I>,
  ): Promise<NoclobberRow<T, I>>;
  /** Pessimistic: runs `fn` holding the row's lock (`SELECT … FOR UPDATE`). */
  $withLock<T, R, I extends NoclobberInclude<T> = {}>(
    this: T,
    where: NoclobberWhere<T>,
    fn: (locked: NoclobberLocked<NoclobberRow<T, I>>) => Promise<R>,
    options?: NoclobberLockOptions<I>,
  ): Promise<R>;
}

/** Per-model settings (by model name); every field is optional. */
export interface NoclobberModelOptions {
  /** Version field. Default `'version'`. */
  readonly version?: string;
  readonly versionKind?: 'integer' | 'timestamp';
  /** Key field(s). Default: the table's primary key. */
  readonly key?: string | readonly string[];
  /** How included relations are tied and ordered. */
  readonly relations?: Readonly<Record<string, PrismaChildOptions>>;
  readonly maxBytes?: Readonly<Record<string, number>>;
}

/** Options of the {@link noclobber} extension. */
export interface NoclobberPrismaOptions {
  readonly models?: Readonly<Record<string, NoclobberModelOptions>>;
  readonly retry?: RetryOptions;
  readonly lockTimeoutMs?: number;
  readonly maxPatchBytes?: number;
  readonly transactionOptions?: PrismaTransactionOptions;
}

/** What `prisma.$extends` takes: the extension, typed as Prisma's `defineExtension` types it. */
// biome-ignore lint/suspicious/noExplicitAny: the client type Prisma's own defineExtension takes
export type NoclobberExtension = (client: any) => {
  $extends: { extArgs: InternalArgs<{}, { $allModels: NoclobberModelMethods }, {}, {}> };
};
