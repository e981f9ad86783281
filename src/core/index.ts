export { applyOps, mergePatch } from './apply-ops.js';
export { fieldTypeProblem } from './check-change.js';
export {
  Collection,
  type CollectionOptions,
  collection,
  type TransactCallOptions,
  type UpdateOptions,
  type WithLockOptions,
  type WriteOptions,
} from './collection.js';
export * from './errors/index.js';
export { evaluateGuard, readPath } from './evaluate-guard.js';
export type { Expect } from './expect.js';
export { checkCaps, checkChange, explainFailure, nextValue } from './explain-failure.js';
export { type FieldGuards, field, type Guard, type GuardOp } from './guards.js';
export { assertJson, cloneJson, DEFAULT_MAX_DEPTH, isPlainObject, type JsonLimits, jsonBytes, jsonEqual, numberProblem } from './json.js';
export { keyFields, keyString } from './key.js';
export { Locked } from './locked.js';
export { elementSegment, type Merge3Options, type Merge3Result, type MergeConflict, merge3, parseElementSegment } from './merge3.js';
export { Mutex } from './mutex.js';
export { normalizeExpect, normalizeOps } from './normalize.js';
export { normalizeValue } from './normalize-value.js';
export { add, type IncBounds, inc, merge, type NormalOp, type Op, remove, type SetItem, set, unset } from './ops.js';
export { FORBIDDEN_KEYS, formatPath, keyProblem, type Path, parsePath } from './path.js';
export { DEFAULT_MAX_PATCH_BYTES, prepareOps, prepareValue } from './prepare.js';
export {
  backoffDelay,
  budgetFor,
  type ResolvedRetry,
  type RetryCause,
  type RetryInfo,
  type RetryOptions,
  resolveRetry,
  retryCause,
  retryPresets,
  sleep,
} from './retry-policy.js';
export type {
  Change,
  FieldType,
  LockOptions,
  LockSession,
  Store,
  StoreCapabilities,
  StoreSchema,
  StoreSession,
  TransactOptions,
  TxSession,
  WriteCommand,
} from './store.js';
export { runAfterCommit } from './transaction.js';
export { canJoin, type Joinable, Tx } from './tx.js';
export type { JsonObject, JsonPrimitive, JsonValue, Key, KeyPart, Row, Snapshot } from './types.js';
export { type UpdateFn, type UpdateStepOptions, updateStep } from './update.js';
