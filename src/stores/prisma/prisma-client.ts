/**
 * The members of a `PrismaClient` — or of an extended client, or of the transaction client
 * `tx` inside `prisma.$transaction(async (tx) => …)` — that noclobber uses. Typed
 * structurally, so noclobber does not depend on your generated client: pass the one you
 * have. Needs Prisma 7 with a PostgreSQL driver adapter (`@prisma/adapter-pg`).
 * @example
 * ```ts
 * const client: PrismaClientLike = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
 * ```
 */
export interface PrismaClientLike {
  $queryRawUnsafe(query: string, ...values: unknown[]): Promise<unknown>;
}

/** Interactive-transaction options noclobber passes to `$transaction` when it opens one itself. */
export interface PrismaTransactionOptions {
  /** How long to wait for a connection to start the transaction (ms). Default 10 000 (Prisma's own: 2 000). */
  readonly maxWait?: number;
  /** How long the transaction may run before Prisma rolls it back (ms). Default 60 000 (Prisma's own: 5 000, shorter than a lock wait). */
  readonly timeout?: number;
}

/** A field of a model in Prisma's runtime data model (generated into every client). */
export interface RuntimeField {
  readonly name: string;
  readonly kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  readonly type: string;
  readonly dbName?: string | null;
}

/** A model in Prisma's runtime data model. */
export interface RuntimeModel {
  readonly fields: readonly RuntimeField[];
  readonly dbName: string | null;
  readonly schema?: string | null;
}

/** What noclobber reads from a client at run time beyond the raw query API (not part of Prisma's typed surface). */
export interface PrismaClientInternals {
  $transaction?: (
    fn: (tx: PrismaClientLike) => Promise<unknown>,
    options?: Record<string, unknown>,
  ) => Promise<unknown>;
  $connect?: () => Promise<void>;
  _runtimeDataModel?: { readonly models: Readonly<Record<string, RuntimeModel>> };
}

/**
 * True for the transaction client `tx` of an interactive transaction: Prisma gives it no
 * `$connect`. Statements on it belong to the caller's transaction.
 * @example
 * ```ts
 * await prisma.$transaction(async (tx) => isTransactionClient(tx)); // true
 * ```
 */
export function isTransactionClient(client: PrismaClientLike): boolean {
  return typeof (client as PrismaClientInternals).$connect !== 'function';
}
