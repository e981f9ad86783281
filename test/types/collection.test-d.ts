import { collection, type Snapshot } from 'noclobber';
import { MemoryStore } from 'noclobber/memory';
import { describe, expectTypeOf, it } from 'vitest';

interface Account {
  id: string;
  balance: number;
}

describe('public generics', () => {
  it('a plain interface (no index signature) types a collection end to end', async () => {
    const accounts = collection(new MemoryStore<Account>({ key: 'id' }));
    expectTypeOf(accounts.get('a')).resolves.toEqualTypeOf<Snapshot<Account> | undefined>();
    expectTypeOf(accounts.update).parameter(1).parameter(0).toEqualTypeOf<Account>();
    const s = await accounts.update('a', (a) => ({ ...a, balance: a.balance + 1 }));
    expectTypeOf(s.value.balance).toBeNumber();
    // @ts-expect-error the intent must return an Account
    await accounts.update('a', (a) => ({ ...a, balance: 'lots' }));
  });
});
