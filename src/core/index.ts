// The root export (`noclobber`): what an application uses — collections, ops, guards, the
// errors it catches, retry options and the types its code names. Parts for writing a store
// are in `src/store.ts` (`noclobber/store`); everything else in `src/core` is internal.
export { type Collection, collection } from './collection.js';
export type {
  CollectionOptions,
  TransactCallOptions,
  UpdateOptions,
  WithLockOptions,
  WriteOptions,
} from './collection-options.js';
export {
  AbortedError,
  AfterCommitError,
  CannotJoinError,
  CommitUnknownError,
  ConflictError,
  type ConflictReason,
  DatabaseError,
  GuardError,
  InvalidChangeError,
  type InvalidChangeReason,
  isConflictError,
  isNoclobberError,
  LockBusyError,
  LockLostError,
  LockTimeoutError,
  NoclobberError,
  type Problem,
  RerunTransactionError,
  SetupError,
  TooLargeError,
  TransientError,
  type TransientReason,
} from './errors/index.js';
export type { Expect } from './expect.js';
export { type FieldGuards, field, type Guard, type GuardOp } from './guards.js';
export type { Locked } from './locked.js';
export { add, type IncBounds, inc, merge, type Op, remove, type SetItem, set, unset } from './ops.js';
export { type RetryCause, type RetryInfo, type RetryOptions, retryPresets } from './retry-policy.js';
// A type only: apps name it to accept any store (`(store: Store<Account>) => collection(store)`).
export type { Store } from './store.js';
export { canJoin, type Joinable, type Tx } from './tx.js';
export type { JsonObject, JsonPrimitive, JsonValue, Key, KeyPart, Row, Snapshot } from './types.js';
export type { UpdateFn } from './update.js';
