/** The dev services `tools/services` can start. */
export type ServiceName = 'postgres' | 'dynamodb' | 'mariadb';

/**
 * A dev service could not start. Its message is one line naming the cause and, where there
 * is one, the remedy (what to install, which variable to set); the underlying error is the `cause`.
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
  /**
   * What to fix on this machine, e.g. "install a Java 17+ runtime (apt-get install
   * default-jre-headless)"; empty when the cause is all there is to say. Callers add their
   * own way around it (a server of the user's own: an environment variable, a CLI flag).
   */
  readonly remedy: string;

  constructor(service: ServiceName, problem: string, remedy = '', cause?: unknown) {
    super(
      `${service} could not start: ${oneLine(problem)}${remedy ? ` — ${remedy}` : ''}`,
      cause === undefined ? undefined : { cause },
    );
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
