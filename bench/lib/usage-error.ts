/**
 * A mistake on the benchmark's command line: printed as one line, exit code 2.
 * @example
 * ```ts
 * throw new UsageError('unknown section "hotrow"');
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
