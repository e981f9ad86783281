import type { Guard } from './guards.js';

/**
 * The condition a write is made under, checked in the same atomic step as the write.
 *
 * - `version`: the record must be at exactly this version (else `ConflictError` stale/gone);
 * - `exists`: the record must exist, at any version (else `ConflictError` gone);
 * - `absent`: the record must not exist: create-only (else `ConflictError` exists);
 * - `where`: field guards that must all hold (else `GuardError`).
 *
 * @example
 * ```ts
 * await docs.replace(id, next, { expect: { version: snap.version, where: [field('locked').ne(true)] } });
 * ```
 */
export interface Expect {
  readonly version?: string;
  readonly exists?: true;
  readonly absent?: true;
  readonly where?: readonly Guard[];
}
