import { applyOps } from './apply-ops.js';
import { ConflictError } from './errors/conflict-error.js';
import { GuardError } from './errors/guard-error.js';
import { InvalidChangeError } from './errors/invalid-change-error.js';
import type { NoclobberError } from './errors/noclobber-error.js';
import { TooLargeError } from './errors/too-large-error.js';
import { evaluateGuard, readPath } from './evaluate-guard.js';
import { jsonBytes } from './json.js';
import type { StoreSchema, WriteCommand } from './store.js';
import type { Row, Snapshot } from './types.js';

/**
 * The first byte cap `value` breaks, as a `TooLargeError`, or undefined.
 * @example
 * ```ts
 * checkCaps({ ...schema, maxBytes: { env_vars: 10 } }, { env_vars: { A: 'long value' } }); // TooLargeError
 * ```
 */
export function checkCaps(schema: StoreSchema, value: Row): TooLargeError | undefined {
  for (const [fieldName, limit] of Object.entries(schema.maxBytes ?? {})) {
    const v = value[fieldName];
    if (v === undefined || v === null) continue;
    const size = (schema.measure ?? jsonBytes)(v);
    if (size > limit) {
      return new TooLargeError(`"${fieldName}" would be ${size} bytes, over its cap of ${limit}`, {
        what: 'field',
        field: fieldName,
        limitBytes: limit,
        actualBytes: size,
      });
    }
  }
  return undefined;
}

/**
 * The value a write would produce from `current` (ops applied, or the new value).
 * Throws what `applyOps` throws.
 * @example
 * ```ts
 * nextValue({ ops: [inc(['n'], 1)] }, { n: 1 }); // { n: 2 }
 * ```
 */
export function nextValue(change: WriteCommand['change'], current: Row, key: WriteCommand['key'] = ''): Row {
  return 'ops' in change ? applyOps(current, change.ops, { key }) : change.value;
}

/**
 * Why `cmd` cannot be written over `current` (the record as it is now, read in the same
 * transaction or returned by the failed statement), or `undefined` when it can.
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
export function explainFailure(schema: StoreSchema, cmd: WriteCommand, found: Snapshot<object> | undefined): NoclobberError | undefined {
  const { key, expect } = cmd;
  const current = found as Snapshot<Row> | undefined;
  if (expect.absent) {
    return current ? new ConflictError('The record already exists', { reason: 'exists', key, actual: current.version, current }) : undefined;
  }
  if (!current) {
    return new ConflictError('The record does not exist', { reason: 'gone', key, ...(expect.version === undefined ? {} : { expected: expect.version }) });
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
  let next: Row;
  try {
    next = nextValue(cmd.change, current.value, key);
  } catch (e) {
    if (e instanceof GuardError) return new GuardError(e.message, { key, guard: e.guard, actual: e.actual, current });
    if (e instanceof InvalidChangeError) return e;
    throw e;
  }
  return checkCaps(schema, next);
}
