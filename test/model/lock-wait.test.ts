import { collection, inc, type Row } from 'noclobber';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS } from '../conformance/harness.js';
import { uid } from '../conformance/support.js';
import { availableHarnesses } from './model-stores.js';

/**
 * The one number PostgreSQL gets as statement text — the transaction's lock wait, sent with
 * BEGIN as `SET LOCAL lock_timeout` — is a whole number of milliseconds within what
 * lock_timeout takes, whatever `lockTimeoutMs` the caller gave: no limit (Infinity) waits
 * as long as it takes, a wait past 2^31 − 1 ms is that long, NaN is a TypeError.
 */
const harnesses = await availableHarnesses();
for (const name of ['postgres', 'prisma']) {
  const make = harnesses.find((h) => h.name === name)?.make;
  describe.skipIf(!make)(`${name}: lock waits as statement text`, () => {
    it('lockAll and withLock take Infinity and 1e21 ms as they mean; NaN is refused before anything is sent', async () => {
      const harness = await (make as NonNullable<typeof make>)();
      try {
        const { store } = await harness.table(ACCOUNTS);
        const accounts = collection<Row>(store, { retry: { attempts: 1 } });
        const id = uid('lw');
        await accounts.create(id, { id, balance: 0 });
        for (const lockTimeoutMs of [Number.POSITIVE_INFINITY, 1e21, 2 ** 31]) {
          const waiting = collection<Row>(store, { retry: { attempts: 1 }, lockTimeoutMs });
          await waiting.transact(async (tx) => {
            await tx.lockAll([id]);
            await tx.apply(id, [inc('balance', 1)]);
          });
          await waiting.withLock(id, (locked) => locked.apply([inc('balance', 1)]));
        }
        expect((await accounts.get(id))?.value.balance).toBe(6);
        const nan = collection<Row>(store, { retry: { attempts: 1 }, lockTimeoutMs: Number.NaN });
        const err = await nan.transact((tx) => tx.lockAll([id])).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TypeError);
        expect((await accounts.get(id))?.value.balance).toBe(6);
      } finally {
        await harness.close();
      }
    });
  });
}
