import { AfterCommitError, collection, inc, isNoclobberError, type Row, set, TransientError } from 'noclobber';
import { expect, it } from 'vitest';
import { ACCOUNTS, DOCS, type StoreHarness } from './harness.js';
import { all, rejects, uid, withoutNulls } from './support.js';

/**
 * Transactions as one unit: side effects after the commit run exactly once, `tx.update`
 * is `update`'s own step, a transaction spans tables of one database (`tx.with`), and
 * writers that name their keys up front (`tx.lockAll`) never deadlock or retry.
 */
export function transactionTests(harness: () => StoreHarness): void {
  it('tx.afterCommit runs once, after the commit and outside the retry; its failure is AfterCommitError with the result', async () => {
    const accounts = collection((await harness().table(ACCOUNTS)).store);
    const id = uid('ac');
    await accounts.create(id, { id, balance: 0 });
    let runs = 0;
    let callbacks = 0;
    const err = await rejects(() =>
      accounts.transact(async (tx) => {
        runs++;
        await tx.apply(id, [inc('balance', 1)]);
        tx.afterCommit(() => {
          callbacks++;
          // A retryable error from a side effect must never re-run a transaction that committed.
          throw new TransientError('the mail server hung up', { reason: 'connection' });
        });
        return 'transferred';
      }),
    );
    expect(err).toMatchObject({ code: 'after_commit', retryable: false, result: 'transferred' });
    expect(err).toBeInstanceOf(AfterCommitError);
    expect((err.cause as { code?: string }).code).toBe('transient');
    expect(runs).toBe(1);
    expect(callbacks).toBe(1);
    expect((await accounts.get(id))?.value.balance).toBe(1);
  });

  it('a write’s afterCommit failure is AfterCommitError carrying the committed snapshot; the write stands', async () => {
    const docs = collection((await harness().table(DOCS)).store);
    const id = uid('ac');
    await docs.create(id, { id, n: 0 });
    const boom = new Error('webhook failed');
    const err = await rejects(() => docs.apply(id, [inc('n', 1)], { afterCommit: () => Promise.reject(boom) }));
    expect(err).toMatchObject({ code: 'after_commit', cause: boom });
    expect((err.snapshot as { value: Row }).value.n).toBe(1);
    const u = await rejects(() =>
      docs.update(id, (v) => ({ ...v, n: 5 }), { afterCommit: () => Promise.reject(boom) }),
    );
    expect((u.snapshot as { value: Row }).value.n).toBe(5);
    expect((await docs.get(id))?.value.n).toBe(5);
  });

  it('replace honours returnPrevious', async () => {
    const docs = collection((await harness().table(DOCS)).store);
    const id = uid('rp');
    const v1 = await docs.create(id, { id, title: 'one' });
    const v2 = await docs.replace(id, { id, title: 'two' }, { expect: { exists: true }, returnPrevious: true });
    expect(v2.previous?.version).toBe(v1.version);
    expect(withoutNulls(v2.previous?.value as Row)).toEqual(withoutNulls(v1.value));
  });

  it('tx.update is update’s own step: an error from fn is never retried, a missing next value is refused', async () => {
    const docs = collection((await harness().table(DOCS)).store);
    const id = uid('tu');
    const v1 = await docs.create(id, { id, n: 1 });
    let calls = 0;
    const err = await rejects(() =>
      docs.transact((tx) =>
        tx.update(id, () => {
          calls++;
          throw new TransientError('fn talked to a flaky service', { reason: 'connection' });
        }),
      ),
    );
    expect(err).toMatchObject({ code: 'transient' });
    expect(calls).toBe(1);
    await expect(docs.transact((tx) => tx.update(id, () => undefined as never))).rejects.toBeInstanceOf(TypeError);
    // An intent that changes nothing writes nothing, judged after the value is normalised.
    const same = await docs.transact((tx) => tx.update(id, (v) => ({ ...v })));
    expect(same.version).toBe(v1.version);
    expect((await docs.get(id))?.version).toBe(v1.version);
  });

  it('tx.with(other) writes two tables in one transaction: both commit, or neither', async () => {
    const a = await harness().table(ACCOUNTS);
    const b = await harness().table(DOCS);
    const accounts = collection(a.store);
    const audit = collection(b.store);
    const id = uid('x');
    await accounts.create(id, { id, balance: 10 });
    const entry = uid('audit');
    const done = await accounts.transact(async (tx) => {
      const s = await tx.apply(id, [inc('balance', -3)]);
      const log = tx.with(audit);
      await log.create(entry, { id: entry, title: `debit ${id}`, n: s.value.balance as number });
      // Reads inside see the transaction's own writes, in both tables.
      expect((await tx.get(id))?.value.balance).toBe(7);
      expect((await log.get(entry))?.value.n).toBe(7);
      return s.version;
    });
    expect((await accounts.get(id))?.version).toBe(done);
    expect((await audit.get(entry))?.value.title).toBe(`debit ${id}`);

    // The second write fails (the audit entry exists already): the first is rolled back.
    const before = await accounts.get(id);
    const err = await rejects(() =>
      accounts.transact(async (tx) => {
        await tx.apply(id, [inc('balance', -3)]);
        await tx.with(audit).create(entry, { id: entry, title: 'again' });
      }),
    );
    expect(err).toMatchObject({ code: 'conflict', reason: 'exists' });
    expect((await accounts.get(id))?.version).toBe(before?.version);
    expect((await audit.get(entry))?.value.title).toBe(`debit ${id}`);

    // A failure after both writes rolls back both.
    const other = uid('audit');
    await expect(
      accounts.transact(async (tx) => {
        await tx.apply(id, [set('balance', 0)]);
        await tx.with(audit).create(other, { id: other, title: 'never' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await accounts.get(id))?.value.balance).toBe(7);
    expect(await audit.get(other)).toBeUndefined();
  });

  it('tx.with a store of another database or connection is a typed error before anything is sent', async () => {
    const a = await harness().table(ACCOUNTS);
    const elsewhere = await a.connect();
    if (elsewhere.transactionDomain === a.store.transactionDomain) return; // one connection only (SQLite :memory:)
    const accounts = collection(a.store);
    const id = uid('x');
    await accounts.create(id, { id, balance: 1 });
    const err = await rejects(() =>
      accounts.transact(async (tx) => {
        const other = tx.with(collection(elsewhere));
        await other.apply(id, [inc('balance', 1)]);
      }),
    );
    expect(err).toMatchObject({ code: 'cannot_join', retryable: false });
    expect((await accounts.get(id))?.value.balance).toBe(1);
  });

  it('transfers that lock their accounts up front (tx.lockAll) never deadlock, never retry, lose nothing', async () => {
    const table = await harness().table(ACCOUNTS);
    const ids = Array.from({ length: 4 }, (_, i) => `acct-${uid('l')}-${i}`);
    const setup = collection(table.store);
    for (const id of ids) await setup.create(id, { id, balance: 50 });
    const clients = await all(6, async () => collection(await table.connect()));
    let retries = 0;
    await all(6, async (w) => {
      for (let i = 0; i < 10; i++) {
        // Opposite directions on purpose: without ordered locks these deadlock.
        const [from, to] = (w + i) % 2 === 0 ? [ids[w % 4], ids[(w + 1) % 4]] : [ids[(w + 1) % 4], ids[w % 4]];
        await clients[w]?.transact(
          async (tx) => {
            await tx.lockAll([from as string, to as string]);
            await tx.apply(from as string, [inc('balance', -1)]);
            await tx.apply(to as string, [inc('balance', 1)]);
          },
          { retry: { onRetry: () => void retries++ } },
        );
      }
    });
    let total = 0;
    for (const id of ids) total += (await setup.get(id))?.value.balance as number;
    expect(total).toBe(200);
    expect(retries).toBe(0);
  });

  it('every error out of transact is typed', async () => {
    const accounts = collection((await harness().table(ACCOUNTS)).store);
    const err = await accounts.transact((tx) => tx.apply(uid('missing'), [inc('balance', 1)])).catch((e) => e);
    expect(isNoclobberError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'conflict', reason: 'gone' });
  });
}
