/**
 * A PATCH refused, as the HTTP answer the seed's service gives: status, a code the client
 * branches on, and for a stale `_version` the product's current version.
 * @example
 * ```ts
 * throw new PatchError(422, 'TOO_MANY_IMAGES', 'A product has at most 8 images');
 * ```
 */
export class PatchError extends Error {
  readonly status: number;
  readonly code: string;
  readonly currentVersion: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { currentVersion?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PatchError';
    this.status = status;
    this.code = code;
    this.currentVersion = options.currentVersion;
  }
}
