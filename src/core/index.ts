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
export { type Merge3Result, type MergeConflict, merge3 } from './merge3.js';
export { Mutex } from './mutex.js';
export { normalizeExpect, normalizeOps } from './normalize.js';
export { normalizeValue } from './normalize-value.js';
export { add, type IncBounds, inc, merge, type NormalOp, type Op, remove, type SetItem, set, unset } from './ops.js';
export { FORBIDDEN_KEYS, formatPath, keyProblem, type Path, parsePath } from './path.js';
export { DEFAULT_MAX_PATCH_BYTES, prepareOps, prepareValue } from './prepare.js';
export { backoffDelay, type ResolvedRetry, type RetryInfo, type RetryOptions, resolveRetry, retryPresets, sleep } from './retry-policy.js';
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
  WriteCommand,
} from './store.js';
export { Tx } from './tx.js';
export type { JsonObject, JsonPrimitive, JsonValue, Key, KeyPart, Row, Snapshot } from './types.js';
export type { UpdateFn } from './update.js';
