export { type EntityTag, formatETag, parseEntityTags, versionOf } from './etag.js';
export {
  collectionIdempotency,
  type IdempotencyBegin,
  type IdempotencyRecord,
  type IdempotencyStore,
  requestFingerprint,
  type StoredResponse,
} from './idempotency.js';
export { PreconditionError, type PreconditionReason } from './precondition-error.js';
export { expectFromHeaders, type RequestExpectation } from './preconditions.js';
export { problemResponse } from './problem-response.js';
export { parseJson, readBody } from './read-body.js';
export { type ForceEvent, type ResourceOptions, resource } from './resource.js';
export { type IdempotencyOptions, withIdempotency } from './with-idempotency.js';
