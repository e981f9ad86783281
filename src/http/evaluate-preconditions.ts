import type { RequestConditions, TagCondition } from './preconditions.js';

/** The selected representation's validators, as the resource would send them. */
export interface RepresentationState {
  /** The version part of its strong ETag. */
  readonly validator: string;
  /** Last-Modified in whole seconds, when the resource has modification dates. */
  readonly lastModified?: number;
}

/** Which step of RFC 9110 §13.2.2 refused the request. */
export type FailedStep = 'if-match' | 'if-unmodified-since' | 'if-none-match';

/** What the preconditions decide for a request against the current state. */
export type PreconditionOutcome =
  | { readonly outcome: 'proceed' }
  | { readonly outcome: 'not_found' }
  | { readonly outcome: 'not_modified' }
  | { readonly outcome: 'failed'; readonly step: FailedStep; readonly unmatched?: 'weak' | 'foreign' };

const matches = (c: TagCondition, validator: string): boolean => c.any === true || c.versions.includes(validator);

/**
 * Judges a request's preconditions against the state of its record, in the order of RFC
 * 9110 §13.2.2: If-Match (412 when false), else If-Unmodified-Since (412), then
 * If-None-Match (304 for GET / HEAD, else 412), then for GET / HEAD without If-None-Match
 * If-Modified-Since (304). A missing record (`state` undefined) is decided first, because
 * the method fails there before any tag can be compared (§13.2.1): GET / HEAD are 404
 * whatever they carry; an unsafe method with `If-Match: *` is 412 — the one precondition
 * that asks exactly whether a representation exists (§13.1.1) — and with an `If-Match` tag
 * list 404, whatever those tags are (weak, another resource's, or of this one). Otherwise
 * the missing record goes on to the method: a create-only PUT creates, anything else is 404.
 * Pure: the caller makes the write that follows atomic with the state it judged.
 * @example
 * ```ts
 * evaluatePreconditions({ ifMatch: { versions: ['6'] } }, { validator: '7' }, 'PATCH'); // { outcome: 'failed', step: 'if-match' }
 * ```
 */
export function evaluatePreconditions(
  c: RequestConditions,
  state: RepresentationState | undefined,
  method: string,
): PreconditionOutcome {
  const safe = method === 'GET' || method === 'HEAD';
  if (state === undefined) {
    if (safe) return { outcome: 'not_found' };
    if (c.ifMatch) return c.ifMatch.any ? { outcome: 'failed', step: 'if-match' } : { outcome: 'not_found' };
    return { outcome: 'proceed' };
  }
  if (c.ifMatch) {
    if (!matches(c.ifMatch, state.validator)) {
      const unmatched = c.ifMatch.any ? undefined : c.ifMatch.unmatched;
      return unmatched ? { outcome: 'failed', step: 'if-match', unmatched } : { outcome: 'failed', step: 'if-match' };
    }
  } else if (
    c.ifUnmodifiedSince !== undefined &&
    state.lastModified !== undefined &&
    state.lastModified > c.ifUnmodifiedSince
  ) {
    return { outcome: 'failed', step: 'if-unmodified-since' };
  }
  if (c.ifNoneMatch) {
    if (matches(c.ifNoneMatch, state.validator))
      return safe ? { outcome: 'not_modified' } : { outcome: 'failed', step: 'if-none-match' };
  } else if (
    safe &&
    c.ifModifiedSince !== undefined &&
    state.lastModified !== undefined &&
    state.lastModified <= c.ifModifiedSince
  ) {
    return { outcome: 'not_modified' };
  }
  return { outcome: 'proceed' };
}
