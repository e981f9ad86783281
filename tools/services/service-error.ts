/** The dev services `tools/services` can start. */
export type ServiceName = 'postgres' | 'dynamodb' | 'mariadb';

/**
 * A dev service could not start. Its message is one line naming the cause and the remedy
 * (what to install, which variable to set); the underlying error is the `cause`.
 * @example
 * ```ts
 * try {
 *   await startDynamoDbLocal();
 * } catch (e) {
 *   if (e instanceof ServiceUnavailableError) console.warn(e.message); // one line
 * }
 * ```
 */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
  readonly code = 'service_unavailable' as const;
  readonly service: ServiceName;
  /** What the reader can do about it, e.g. "install a Java runtime (apt-get install default-jre-headless)". */
  readonly remedy: string;

  constructor(service: ServiceName, problem: string, remedy: string, cause?: unknown) {
    super(`${service} could not start: ${oneLine(problem)} — ${remedy}`, cause === undefined ? undefined : { cause });
    this.service = service;
    this.remedy = remedy;
  }
}

/**
 * Text squeezed onto one line and cut to `max` characters: a server's log tail or a
 * driver's multi-line message becomes readable in a one-line report.
 * @example
 * ```ts
 * oneLine('FATAL:  could not bind\nHINT:  is another postmaster running?'); // 'FATAL: could not bind / HINT: is another postmaster running?'
 * ```
 */
export function oneLine(text: string, max = 300): string {
  const squeezed = text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(' / ');
  return squeezed.length > max ? `…${squeezed.slice(-(max - 1))}` : squeezed;
}
