import { describe, expect, it } from 'vitest';
import { MemoryDatabase } from '../stores/memory/memory-database.js';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { collection } from './collection.js';
import { AfterCommitError } from './errors/after-commit-error.js';
import { CannotJoinError } from './errors/cannot-join-error.js';
import { ConflictError } from './errors/conflict-error.js';
import { LockTimeoutError } from './errors/lock-timeout-error.js';
import type { NoclobberError } from './errors/noclobber-error.js';
import { TransientError } from './errors/transient-error.js';
import { inc } from './ops.js';
import { resolveRetry, retryCause } from './retry-policy.js';
import { retrying } from './retrying.js';

const quick = { baseMs: 1, capMs: 1 };
const stale = () => new ConflictError('moved', { reason: 'stale', key: 'k' });
const refused = () => new TransientError('refused', { reason: 'connection' });

/** An attempt that fails with the given errors in turn, then succeeds. */
function script(errors: NoclobberError[]) {
  let n = 0;
  return async () => {
    const e = errors[n++];
    if (e) throw e;
    return n;
  };
}

describe('retry budgets by cause', () => {
  it('classifies errors by cause', () => {
    expect(retryCause(stale())).toBe('conflict');
    expect(retryCause(new TransientError('x', { reason: 'deadlock' }))).toBe('conflict');
    expect(retryCause(refused())).toBe('connection');
    expect(retryCause(new TransientError('x', { reason: 'throttled' }))).toBe('busy');
    expect(retryCause(new LockTimeoutError('x'))).toBe('busy');
  });

  it('counts conflicts and connection failures apart: 11 refusals then a conflict do not end a 12-attempt budget', async () => {
    const errors = [...Array.from({ length: 11 }, refused), stale()];
    const n = await retrying(resolveRetry(quick), script(errors), () => true);
    expect(n).toBe(13);
  });

  it('gives up with the LAST failure, stamped with attempts and the count by cause', async () => {
    const errors = [stale(), refused(), refused(), refused()];
    const err = await retrying(resolveRetry({ ...quick, attempts: 3 }), script(errors), () => true).catch((e) => e);
    expect(err).toBe(errors[3]);
    expect(err).toMatchObject({ attempts: 4, attemptsByCause: { conflict: 1, connection: 3 } });
  });

  it('connectionAttempts gives connection failures their own budget', async () => {
    const errors = Array.from({ length: 20 }, refused);
    const n = await retrying(
      resolveRetry({ ...quick, attempts: 2, connectionAttempts: 25 }),
      script(errors),
      () => true,
    );
    expect(n).toBe(21);
    expect(() => resolveRetry({ connectionAttempts: 0 })).toThrow(RangeError);
  });

  it('does not retry a lock timeout unless asked', async () => {
    const timeout = new LockTimeoutError('waited');
    const err = await retrying(resolveRetry(quick), script([timeout]), () => true).catch((e) => e);
    expect(err).toBe(timeout);
    expect(err.attempts).toBe(1);
    expect(
      await retrying(
        resolveRetry({ ...quick, retryLockTimeouts: true }),
        script([new LockTimeoutError('w')]),
        () => true,
      ),
    ).toBe(2);
  });

  it('an AbortedError from the deadline says how many attempts failed and why', async () => {
    const errors = Array.from({ length: 50 }, refused);
    const err = await retrying(
      resolveRetry({ baseMs: 20, capMs: 20, deadlineMs: 30, attempts: 100 }),
      script(errors),
      () => true,
    ).catch((e) => e);
    expect(err).toMatchObject({ code: 'aborted', reason: 'deadline' });
    expect(err.attemptsByCause.connection).toBeGreaterThan(0);
  });
});

describe('afterCommit', () => {
  it('every transaction callback runs once even when some fail; the error lists each failure', async () => {
    const c = collection(new MemoryStore());
    await c.create('a', { id: 'a', n: 0 });
    const ran: number[] = [];
    const err = await c
      .transact(async (tx) => {
        await tx.apply('a', [inc('n', 1)]);
        tx.afterCommit(() => ran.push(1));
        tx.afterCommit(() => {
          ran.push(2);
          throw new Error('two');
        });
        tx.afterCommit(() => {
          ran.push(3);
          throw stale();
        });
        return 'ok';
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(AfterCommitError);
    expect(err.failures).toHaveLength(2);
    expect(err.result).toBe('ok');
    expect(ran).toEqual([1, 2, 3]);
    expect((await c.get('a'))?.value.n).toBe(1);
  });
});

describe('memory databases', () => {
  it('stores of one MemoryDatabase share a transaction; another database cannot join, before anything is written', async () => {
    const db = new MemoryDatabase();
    const a = collection(new MemoryStore({ database: db }));
    const b = collection(new MemoryStore({ database: db }));
    const elsewhere = collection(new MemoryStore());
    await a.create('x', { id: 'x', n: 0 });
    await a.transact(async (tx) => {
      await tx.apply('x', [inc('n', 1)]);
      await tx.with(b).create('y', { id: 'y', n: 1 });
    });
    expect((await a.get('x'))?.value.n).toBe(1);
    expect((await b.get('y'))?.value.n).toBe(1);
    const err = await a
      .transact(async (tx) => {
        await tx.apply('x', [inc('n', 1)]);
        tx.with(elsewhere);
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(CannotJoinError);
    expect((await a.get('x'))?.value.n).toBe(1);
  });
});
