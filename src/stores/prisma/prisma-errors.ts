/**
 * A failed statement as node-postgres reports it — `code` is the SQLSTATE (`40001`) or a
 * socket errno (`ECONNRESET`) — so the PostgreSQL store's one error mapping classifies
 * statements sent through Prisma exactly as those sent through `pg`. Prisma's own error
 * is the `cause`.
 * @example
 * ```ts
 * if (e instanceof PrismaStatementError && e.code === '40001') retry();
 * ```
 */
export class PrismaStatementError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'PrismaStatementError';
    this.code = code;
  }
}

interface PrismaErrorShape {
  name?: string;
  cause?: unknown;
  code?: string;
  message?: string;
  meta?: { driverAdapterError?: { cause?: AdapterCause }; code?: string; message?: string; timeout?: number };
}

interface AdapterCause {
  kind?: string;
  originalCode?: string;
  originalMessage?: string;
  code?: string;
  message?: string;
}

/** Driver-adapter error kinds without a SQLSTATE, as the socket errno `pg` would have raised. */
const KIND_CODES: Readonly<Record<string, string>> = {
  DatabaseNotReachable: 'ECONNREFUSED',
  ConnectionClosed: 'ECONNRESET',
  SocketTimeout: 'ETIMEDOUT',
  TooManyConnections: '53300',
  TransactionWriteConflict: '40001',
};

/** Prisma's own codes for failures that are not a statement's. */
const PRISMA_CODES: Readonly<Record<string, string>> = {
  P1001: 'ECONNREFUSED', // cannot reach the database server
  P1008: 'ETIMEDOUT', // operation timed out
  P1017: 'ECONNRESET', // the server closed the connection
  P2024: '53300', // timed out fetching a connection from the pool: nothing was sent
  P2034: '40001', // write conflict or deadlock
};

/**
 * Turns an error from Prisma's raw query API into what `pg` would have thrown: the
 * SQLSTATE of a driver-adapter error (`meta.driverAdapterError.cause.originalCode`, or the
 * `cause` of a bare `DriverAdapterError`), a socket errno for connection failures, `57014`
 * (canceled) for an interactive transaction Prisma expired, `53300` for one it could not start in `maxWait`. Anything else — `pg`'s
 * own errors that Prisma passes through, such as "is not queryable" — is returned as is.
 * @example
 * ```ts
 * try { await prisma.$queryRawUnsafe(sql, ...values); } catch (e) { throw mapPgError(toPgError(e), 'write'); }
 * ```
 */
export function toPgError(e: unknown): unknown {
  if (typeof e !== 'object' || e === null) return e;
  const p = e as PrismaErrorShape;
  // A driver-adapter error wrapped in Prisma's (P2010), or on its own: Prisma lets it through as
  // it is where no query is being run for it, e.g. a COMMIT of an interactive transaction.
  const adapter =
    p.name === 'DriverAdapterError' && typeof p.cause === 'object' && p.cause !== null
      ? (p.cause as AdapterCause)
      : undefined;
  const isPrisma = typeof p.code === 'string' && /^P\d{4}$/.test(p.code);
  if (!adapter && !isPrisma) return e;
  const cause = adapter ?? p.meta?.driverAdapterError?.cause;
  if (cause) {
    const code =
      cause.originalCode ?? (cause.kind === 'postgres' ? cause.code : undefined) ?? KIND_CODES[cause.kind ?? ''];
    return new PrismaStatementError(cause.originalMessage ?? cause.message ?? p.message ?? 'statement failed', code, e);
  }
  if (p.code === 'P2028')
    return new PrismaStatementError(
      p.message ?? 'transaction API error',
      p.meta?.timeout === undefined ? '53300' : '57014',
      e,
    );
  if (p.code === 'P2010' && typeof p.meta?.code === 'string')
    return new PrismaStatementError(p.meta.message ?? p.message ?? '', p.meta.code, e);
  const code = PRISMA_CODES[p.code as string];
  return code ? new PrismaStatementError(p.message ?? '', code, e) : e;
}
