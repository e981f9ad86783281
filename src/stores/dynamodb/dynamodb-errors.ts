import { CommitUnknownError } from '../../core/errors/commit-unknown-error.js';
import { DatabaseError } from '../../core/errors/database-error.js';
import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { isNoclobberError } from '../../core/errors/noclobber-error.js';
import { TooLargeError } from '../../core/errors/too-large-error.js';
import { TransientError } from '../../core/errors/transient-error.js';

/**
 * DynamoDB's item size limit (400 KB), the default and the ceiling of `maxItemBytes`.
 * @example
 * ```ts
 * await DynamoStore.open(client, { table: 'docs', maxItemBytes: DYNAMODB_MAX_ITEM_BYTES / 4 });
 * ```
 */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/** Whether a failed request may have changed data: a read cannot; a write in flight may have. */
export type DynamoPhase = 'read' | 'write';

interface AwsError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
/** Socket errors of a connection that could not be made: the request never left. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** Failures the SDK raises before it sends anything (no credentials, a client already destroyed). */
const SDK_BEFORE_SEND = new Set(['CredentialsProviderError', 'TokenProviderError']);
/** Answers callers handle themselves (a false condition, a cancelled transaction). */
const HANDLED = new Set(['ConditionalCheckFailedException', 'TransactionCanceledException']);

/** True when no answer came back, so the request's outcome is unknown (unless it never left). */
function noAnswer(e: AwsError): boolean {
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500;
  return (
    ['TimeoutError', 'RequestTimeout', 'NetworkingError', 'AbortError'].includes(e.name ?? '') ||
    /^E[A-Z]+$/.test(e.code ?? '')
  );
}

/**
 * Maps an AWS SDK error to the noclobber family by its `name` (the exception type) and by
 * when it happened (see the failure table in docs/design.md), never by message — except
 * `ValidationException`, whose only size signal is its message:
 * - throttling → `TransientError('throttled')`; a write conflicting with a running
 *   transaction → `TransientError('serialization')`; an item over 400 KB → `TooLargeError`;
 * - any other `ValidationException` → `InvalidChangeError('unsupported_value')`: refused whole, nothing written;
 * - the connection could not be made (refused, DNS) → `TransientError('connection')`: nothing was sent;
 * - no answer (timeout, reset socket, 5xx) → `TransientError('connection')` for a read but
 *   `CommitUnknownError` for a write, which may have been applied;
 * - any other answer from DynamoDB (4xx: missing table, access denied, …) or failure of the
 *   SDK before sending → `DatabaseError`: nothing was written.
 * @example
 * ```ts
 * try { await client.send(cmd); } catch (e) { throw mapDynamoError(e, 'write'); }
 * ```
 */
export function mapDynamoError(e: unknown, phase: DynamoPhase): unknown {
  if (isNoclobberError(e) || typeof e !== 'object' || e === null) return e;
  const err = e as AwsError;
  if (HANDLED.has(err.name ?? '')) return e;
  if (THROTTLED.has(err.name ?? ''))
    return new TransientError('DynamoDB throttled the request', { reason: 'throttled', cause: e });
  if (err.name === 'TransactionConflictException' || err.name === 'TransactionInProgressException')
    return new TransientError('The item is being changed by a transaction', { reason: 'serialization', cause: e });
  if (err.name === 'ValidationException' && /item size/i.test(err.message ?? ''))
    return new TooLargeError('The item would exceed DynamoDB’s 400 KB limit', {
      what: 'item',
      limitBytes: DYNAMODB_MAX_ITEM_BYTES,
      cause: e,
    });
  // noclobber checks what DynamoDB can hold before sending (depth, number range, key sizes);
  // anything else it refuses was still refused before any write: typed, its text kept in `cause`.
  if (err.name === 'ValidationException')
    return new InvalidChangeError('DynamoDB cannot hold this change', { reason: 'unsupported_value', cause: e });
  if (NEVER_SENT.has(err.code ?? ''))
    return new TransientError('Could not reach DynamoDB; nothing was sent', { reason: 'connection', cause: e });
  if (noAnswer(err)) {
    if (phase === 'write')
      return new CommitUnknownError('DynamoDB did not answer a write; it may or may not have been applied', {
        cause: e,
      });
    return new TransientError('DynamoDB did not answer; nothing was changed', { reason: 'connection', cause: e });
  }
  if (err.$metadata?.httpStatusCode !== undefined || SDK_BEFORE_SEND.has(err.name ?? ''))
    return new DatabaseError(`DynamoDB refused the request (${err.name ?? 'error'}): ${err.message ?? ''}`, {
      cause: e,
    });
  return e;
}

/** True for DynamoDB's `ValidationException`: the request was refused whole, nothing was written. */
export function isValidation(e: unknown): boolean {
  return (e as AwsError | null)?.name === 'ValidationException';
}

/** True for the exception DynamoDB raises when a ConditionExpression is false. */
export function isConditionFailed(e: unknown): e is { Item?: Record<string, unknown> } {
  return (e as AwsError | null)?.name === 'ConditionalCheckFailedException';
}
