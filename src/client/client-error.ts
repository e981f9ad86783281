/**
 * A request the server refused, with its problem+json document (RFC 9457) when it sent one.
 * @example
 * ```ts
 * try { await doc.mutate(ops); } catch (e) { if (e instanceof ClientError) toast(e.problem?.title); }
 * ```
 */
export class ClientError extends Error {
  readonly status: number;
  readonly problem: Record<string, unknown> | undefined;

  constructor(message: string, status: number, problem?: Record<string, unknown>) {
    super(message);
    this.name = 'ClientError';
    this.status = status;
    this.problem = problem;
  }

  /** True for 409 / 412: the version moved. */
  get isConflict(): boolean {
    return this.status === 409 || this.status === 412;
  }
}
