/**
 * An RFC 9457 problem details object, as produced by `NoclobberError.toProblem()`.
 *
 * @example
 * ```ts
 * const p: Problem = err.toProblem();
 * return new Response(JSON.stringify(p), { status: p.status, headers: { 'content-type': 'application/problem+json' } });
 * ```
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code: string;
  readonly retryable: boolean;
  readonly [extension: string]: unknown;
}
