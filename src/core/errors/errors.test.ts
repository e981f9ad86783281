import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  GuardError,
  InvalidChangeError,
  isConflictError,
  isNoclobberError,
  LockTimeoutError,
  TooLargeError,
  TransientError,
} from './index.js';

describe('error family', () => {
  it('maps each kind to a code, a status, retryability and a problem document', () => {
    const stale = new ConflictError('moved', { reason: 'stale', key: 'k', expected: '1', actual: '2' });
    expect(stale).toMatchObject({ code: 'conflict', httpStatus: 409, retryable: false, name: 'ConflictError' });
    expect(stale.toProblem()).toEqual({
      type: 'urn:noclobber:problem:conflict:stale',
      title: 'The record changed since it was read',
      status: 409,
      detail: 'moved',
      code: 'conflict',
      retryable: false,
      reason: 'stale',
      expectedVersion: '1',
      currentVersion: '2',
    });
    expect(new ConflictError('x', { reason: 'gone', key: 'k' }).httpStatus).toBe(404);
    expect(new ConflictError('x', { reason: 'exists', key: 'k' }).httpStatus).toBe(412);
    expect(new GuardError('g', { key: 'k', guard: { path: ['s'], op: 'ne', value: 'd' } }).toProblem()).toMatchObject({
      status: 409,
      guard: { path: 's', op: 'ne', value: 'd' },
    });
    expect(new TooLargeError('big', { what: 'patch', limitBytes: 10, actualBytes: 11 }).toProblem()).toMatchObject({
      status: 413,
      limitBytes: 10,
    });
    expect(new InvalidChangeError('bad', { reason: 'forbidden_key' }).httpStatus).toBe(400);
    expect(new InvalidChangeError('bad', { reason: 'type_mismatch' }).httpStatus).toBe(422);
    expect(new LockTimeoutError('slow')).toMatchObject({ retryable: true, httpStatus: 503 });
    expect(new TransientError('dl', { reason: 'deadlock' })).toMatchObject({ retryable: true, reason: 'deadlock' });
  });

  it('keeps the driver error as cause', () => {
    const driver = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    expect(new TransientError('x', { reason: 'deadlock', cause: driver }).cause).toBe(driver);
  });

  it('recognises errors from another copy of the package by brand, not instanceof', () => {
    const foreign = { [Symbol.for('noclobber.error')]: true, code: 'conflict', reason: 'stale' };
    expect(isNoclobberError(foreign)).toBe(true);
    expect(isConflictError(foreign)).toBe(true);
    expect(isConflictError(new Error('conflict'))).toBe(false);
    expect(isNoclobberError({ code: 'conflict' })).toBe(false);
  });
});
