import type { ConflictEntry } from './conflict-store.js';

/**
 * A request the server refused, with its problem+json document (RFC 9457) when it sent one.
 * When a write ran out of retries on 409/412, `conflict` is the ConflictStore entry that
 * now holds the change (base, mine, theirs) for a person.
 * @example
 * ```ts
 * try { await doc.mutate(ops); } catch (e) { if (e instanceof ClientError) toast(e.problem?.title); }
 * ```
 */
export class ClientError extends Error {
  readonly status: number;
  readonly problem: Record<string, unknown> | undefined;
  readonly conflict: ConflictEntry | undefined;

  constructor(message: string, status: number, problem?: Record<string, unknown>, conflict?: ConflictEntry) {
    super(message);
    this.name = 'ClientError';
    this.status = status;
    this.problem = problem;
    this.conflict = conflict;
  }

  /** True for 409 / 412: the version moved. */
  get isConflict(): boolean {
    return this.status === 409 || this.status === 412;
  }
}
