export { AbortedError, type AbortedErrorOptions } from './aborted-error.js';
export { AfterCommitError, type AfterCommitErrorOptions } from './after-commit-error.js';
export { CannotJoinError, type CannotJoinErrorOptions } from './cannot-join-error.js';
export { CommitUnknownError } from './commit-unknown-error.js';
export { ConflictError, type ConflictErrorOptions, type ConflictReason, isConflictError } from './conflict-error.js';
export { DatabaseError } from './database-error.js';
export { GuardError, type GuardErrorOptions } from './guard-error.js';
export {
  InvalidChangeError,
  type InvalidChangeErrorOptions,
  type InvalidChangeReason,
} from './invalid-change-error.js';
export { LockBusyError } from './lock-busy-error.js';
export { LockLostError } from './lock-lost-error.js';
export { LockTimeoutError } from './lock-timeout-error.js';
export { isNoclobberError, NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';
export type { Problem } from './problem.js';
export { RerunTransactionError, type RerunTransactionErrorOptions } from './rerun-transaction-error.js';
export { SetupError, type SetupErrorOptions } from './setup-error.js';
export { TooLargeError, type TooLargeErrorOptions } from './too-large-error.js';
export { TransientError, type TransientErrorOptions, type TransientReason } from './transient-error.js';
