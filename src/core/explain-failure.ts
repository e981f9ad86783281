import { checkCaps, checkChange, nextValue } from './check-change.js';
import { ConflictError } from './errors/conflict-error.js';
import { GuardError } from './errors/guard-error.js';
import type { NoclobberError } from './errors/noclobber-error.js';
import { evaluateGuard, readPath } from './evaluate-guard.js';
import type { StoreSchema, WriteCommand } from './store.js';
import type { Row, Snapshot } from './types.js';

export { checkCaps, checkChange, nextValue };

/**
 * Why `cmd` cannot be written over `current` (the record as it is now, read in the same
 * transaction or returned by the failed statement), or `undefined` when it can — decided in
 * one fixed order: exists (create-only) → gone → stale → guards → type / bounds → byte caps.
 * Stores call this after a conditional statement matched nothing, so the error is
 * precise (stale vs gone vs guard vs type vs size) without re-implementing the rules;
 * the memory store calls it before every write: it *is* the reference semantics.
 *
 * @example
 * ```ts
 * const err = explainFailure(schema, cmd, currentRow);
 * if (err) throw err;
 * ```
 */
export function explainFailure(
  schema: StoreSchema,
  cmd: WriteCommand,
  found: Snapshot<object> | undefined,
): NoclobberError | undefined {
  const { key, expect } = cmd;
  const current = found as Snapshot<Row> | undefined;
  if (expect.absent) {
    if (current)
      return new ConflictError('The record already exists', {
        reason: 'exists',
        key,
        actual: current.version,
        current,
      });
    const created = checkChange(schema, cmd, undefined);
    return 'error' in created ? created.error : undefined;
  }
  if (!current) {
    return new ConflictError('The record does not exist', {
      reason: 'gone',
      key,
      ...(expect.version === undefined ? {} : { expected: expect.version }),
    });
  }
  if (expect.version !== undefined && current.version !== expect.version) {
    return new ConflictError(`The record is at version ${current.version}, not ${expect.version}`, {
      reason: 'stale',
      key,
      expected: expect.version,
      actual: current.version,
      current,
    });
  }
  for (const guard of expect.where ?? []) {
    if (!evaluateGuard(current.value, guard)) {
      const actual = readPath(current.value, guard.path);
      return new GuardError(
        `The guard ${guard.path.join('.')} ${guard.op} ${JSON.stringify(guard.value ?? null)} is false (found ${JSON.stringify(actual ?? null)})`,
        {
          key,
          guard,
          actual,
          current,
        },
      );
    }
  }
  const checked = checkChange(schema, cmd, current?.value);
  if (!('error' in checked)) return undefined;
  const e = checked.error;
  return e instanceof GuardError && current
    ? new GuardError(e.message, { key, guard: e.guard, actual: e.actual, current })
    : e;
}
