import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';

/** Payload of a {@link SetupError}. */
export interface SetupErrorOptions extends NoclobberErrorOptions {
  /** The statements that set up what is missing, to run with a role that may (or to put in a migration). */
  readonly statements: string;
}

/**
 * A store cannot be opened because something it needs in the database is missing and it
 * may not (or was told not to) create it: the table of tombstones that keeps versions
 * unique across a delete and a create (`createTombstoneTable: false`, or a role without
 * CREATE). `statements` holds the DDL to run. Thrown when the store is opened, never
 * during a write.
 *
 * @example
 * ```ts
 * try { store = await PostgresStore.open(pool, { table: 'docs', key: 'id', createTombstoneTable: false }); }
 * catch (e) { if (e instanceof SetupError) console.error(`run this as the owner:\n${e.statements}`); throw e; }
 * ```
 */
export class SetupError extends NoclobberError {
  readonly code = 'setup' as const;
  readonly retryable = false;
  readonly httpStatus = 500;
  readonly statements: string;

  constructor(message: string, options: SetupErrorOptions) {
    super(message, options);
    this.statements = options.statements;
  }

  protected title(): string {
    return 'The database is missing something the store needs';
  }
}
