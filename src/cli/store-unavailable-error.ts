/**
 * The store a command was pointed at cannot be used: a server that does not answer or
 * refuses the login, an SQLite file that cannot be opened, a driver package that is not
 * installed, a local server that cannot be started. The message is one line naming the
 * cause and what to do; the CLI prints it and exits with code 3 (`--verbose` adds the
 * `cause` with its stack).
 * @example
 * ```ts
 * throw new StoreUnavailableError('cannot open SQLite file /nope/x.db: the directory does not exist', e);
 * ```
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'store_unavailable' as const;

  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * A driver or system error as one line: Node's `AggregateError` (every address of
 * `localhost` refused) has an empty message and its reasons in `errors`.
 * @example
 * ```ts
 * describeError(e); // 'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432'
 * ```
 */
export function describeError(e: unknown): string {
  const err = e as { message?: string; errors?: unknown[]; code?: string; name?: string };
  const text =
    err?.message ||
    (Array.isArray(err?.errors) && err.errors.length > 0 ? err.errors.map(describeError).join('; ') : '') ||
    err?.code ||
    err?.name ||
    String(e);
  return text.replace(/\s*\n\s*/g, ' / ').trim();
}

/**
 * A connection URL with its password replaced by `***`, for messages.
 * @example
 * ```ts
 * redactUrl('postgres://app:secret@db:5432/x'); // 'postgres://app:***@db:5432/x'
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
