import type { Expect } from '../core/expect.js';
import { parseEntityTags, versionOf } from './etag.js';
import { PreconditionError } from './precondition-error.js';

/** The expectation a request's precondition headers ask for, and where it came from. */
export interface RequestExpectation {
  readonly expect: Expect;
  readonly source: 'if-match' | 'if-none-match' | 'none';
}

/**
 * Turns `If-Match` / `If-None-Match` into the expectation the write is made under — never a
 * separate comparison read, so the check and the write are one atomic step:
 * `If-Match: "<this resource>.<v>"` → `{ version: v }`; `If-Match: *` → `{ exists }`;
 * `If-None-Match: *` → `{ absent }` (create-only). Weak tags never match; another
 * resource's tag never matches (412); a malformed header is 400; no precondition at all
 * on an unsafe request is 428 when `require` is set.
 * @example
 * ```ts
 * expectFromHeaders(req.headers, 'subscriptions/42', { require: true }); // { expect: { version: '7' }, source: 'if-match' }
 * ```
 */
export function expectFromHeaders(headers: Headers, resourceId: string, options: { require: boolean }): RequestExpectation {
  const ifMatch = headers.get('if-match');
  const ifNoneMatch = headers.get('if-none-match');
  if (ifMatch !== null && ifNoneMatch !== null) throw new PreconditionError('Send If-Match or If-None-Match, not both', { reason: 'ambiguous' });
  if (ifMatch !== null) {
    const tags = parseEntityTags(ifMatch);
    if (tags === undefined) throw new PreconditionError(`Malformed If-Match: ${ifMatch}`, { reason: 'malformed' });
    if (tags === '*') return { expect: { exists: true }, source: 'if-match' };
    const versions = [...new Set(tags.map((t) => versionOf(t, resourceId)).filter((v): v is string => v !== undefined))];
    if (versions.length === 0) {
      const weak = tags.some((t) => t.weak);
      throw new PreconditionError(weak ? 'Weak entity-tags never match If-Match (strong comparison)' : 'The entity-tag belongs to another resource', {
        reason: weak ? 'weak' : 'foreign',
      });
    }
    if (versions.length > 1) throw new PreconditionError('If-Match names several versions of this resource; send the one you read', { reason: 'ambiguous' });
    return { expect: { version: versions[0] as string }, source: 'if-match' };
  }
  if (ifNoneMatch !== null) {
    if (ifNoneMatch.trim() !== '*') throw new PreconditionError('On a write, only If-None-Match: * (create-only) is supported', { reason: 'malformed' });
    return { expect: { absent: true }, source: 'if-none-match' };
  }
  if (options.require)
    throw new PreconditionError('This resource needs If-Match (or If-None-Match: * to create): send the ETag you read', { reason: 'required' });
  return { expect: {}, source: 'none' };
}
