/**
 * `noclobber/store`: the parts for WRITING a store — a new database behind `collection()` —
 * not for using one. An application needs only `noclobber` and the subpath of its store
 * (`noclobber/sqlite`, `noclobber/postgres`, …).
 *
 * A store implements {@link Store} (reads, conditional writes, transactions, locks) over the
 * normalised changes `collection()` prepares, and reports every failure as one of the errors
 * of the root export (`ConflictError`, `GuardError`, `InvalidChangeError`, `TooLargeError`,
 * `TransientError`, …). The rules are shared rather than re-implemented: `explainFailure`
 * says why a conditional write that matched nothing failed (gone, stale, guard, type, size —
 * in one fixed order); `applyOps` and `evaluateGuard` are the reference meaning of ops and
 * guards, for stores that compute in memory; `checkChange` / `nextValue` / `checkCaps`
 * validate a whole write the same way; `keyFields` / `keyString` read keys; the JSON and
 * path helpers bound hostile input; `backoffDelay`, `sleep` and `retryCause` match the
 * collection's retry loop; `Mutex` serialises in-process work.
 *
 * The repository's conformance suite (`test/conformance/`, not shipped) is what a new store
 * must pass; nothing here is needed to USE a store.
 * @example
 * ```ts
 * import { explainFailure, type Store, type WriteCommand } from 'noclobber/store';
 *
 * // After a conditional statement matched nothing: why (gone, stale, guard, type, size)?
 * const error = explainFailure(this.schema, cmd, await this.get(cmd.key));
 * if (error) throw error;
 * ```
 */
export { applyOps } from './core/apply-ops.js';
export { fieldTypeProblem } from './core/check-change.js';
export type {
  AbortedErrorOptions,
  AfterCommitErrorOptions,
  CannotJoinErrorOptions,
  ConflictErrorOptions,
  GuardErrorOptions,
  InvalidChangeErrorOptions,
  NoclobberErrorOptions,
  RerunTransactionErrorOptions,
  TooLargeErrorOptions,
  TransientErrorOptions,
} from './core/errors/index.js';
export { evaluateGuard, readPath } from './core/evaluate-guard.js';
export { checkCaps, checkChange, explainFailure, nextValue } from './core/explain-failure.js';
export {
  assertJson,
  cloneJson,
  DEFAULT_MAX_DEPTH,
  isPlainObject,
  type JsonLimits,
  jsonBytes,
  jsonEqual,
  numberProblem,
} from './core/json.js';
export { keyFields, keyString } from './core/key.js';
export { Mutex } from './core/mutex.js';
export { normalizeExpect, normalizeOps } from './core/normalize.js';
export { normalizeValue } from './core/normalize-value.js';
export type { NormalOp } from './core/ops.js';
export { FORBIDDEN_KEYS, formatPath, keyProblem, type Path, parsePath } from './core/path.js';
export { DEFAULT_MAX_PATCH_BYTES, prepareOps, prepareValue } from './core/prepare.js';
export { backoffDelay, retryCause, sleep } from './core/retry-policy.js';
export type {
  FieldType,
  LockOptions,
  LockSession,
  PreparedChange,
  Store,
  StoreCapabilities,
  StoreSchema,
  StoreSession,
  TransactOptions,
  TxSession,
  WriteCommand,
} from './core/store.js';
