export { type EntityTag, formatETag, parseEntityTags, versionOf } from './etag.js';
export {
  evaluatePreconditions,
  type FailedStep,
  type PreconditionOutcome,
  type RepresentationState,
} from './evaluate-preconditions.js';
export { AuditError, type ForceAudit, writeForceAudit } from './force-audit.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export {
  collectionIdempotency,
  type IdempotencyBegin,
  type IdempotencyRecord,
  type IdempotencyStore,
  type StoredResponse,
} from './idempotency.js';
export { parseIdempotencyKey } from './idempotency-key.js';
export { PreconditionError, type PreconditionReason } from './precondition-error.js';
export { parseConditions, type RequestConditions, type TagCondition } from './preconditions.js';
export { internalErrorResponse, problemResponse, problemText } from './problem-response.js';
export { parseJson, readBody } from './read-body.js';
export type { ForceEvent, ResourceHandler, ResourceMethod, ServeResourceOptions } from './resource-options.js';
export type { BodyVersionOptions } from './resource-view.js';
export { serveResource } from './serve-resource.js';
export {
  credentialScope,
  HeldKey,
  IdempotencyError,
  type IdempotencyOptions,
  requestFingerprint,
  withIdempotency,
} from './with-idempotency.js';
