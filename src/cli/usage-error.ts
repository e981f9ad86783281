/**
 * A command-line mistake: printed as one line, exit code 2.
 * @example
 * ```ts
 * throw new UsageError('unknown flag --wrtiers (see --help)');
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'usage' as const;
}
