import type { Collection, Row } from 'noclobber';
import { collection } from 'noclobber';
import { afterAll, beforeAll, describe } from 'vitest';
import { DOCS, type StoreHarness, type StoreTraits } from './harness.js';
import { basicTests } from './suite-basics.js';
import { concurrencyTests } from './suite-concurrency.js';
import { incarnationTests } from './suite-incarnations.js';
import { opCaseTests } from './suite-ops.js';
import { transactionTests } from './suite-transactions.js';

/**
 * The conformance suite every store runs against its real database: pushdown equals
 * `applyOps` on every op case, guards equal `evaluateGuard`, expectations and checked
 * delete fail loudly, bad input leaves records untouched, and real concurrent clients
 * lose nothing (Hermitage lost update, counter hammer, disjoint merges, bank), and no
 * version ever names two incarnations of a record (delete, then create).
 *
 * @example
 * ```ts
 * describeConformance('sqlite (:memory:)', async () => sqliteHarness(':memory:'));
 * ```
 */
export function describeConformance(
  name: string,
  makeHarness: () => Promise<StoreHarness>,
  traits: StoreTraits = { versionKinds: ['integer'], plain: true },
): void {
  describe(`conformance: ${name}`, () => {
    let harness: StoreHarness;
    let docs: Collection<Row>;
    beforeAll(async () => {
      harness = await makeHarness();
      docs = collection((await harness.table(DOCS)).store);
    });
    afterAll(async () => {
      await harness?.close();
    });
    describe('ops', () => opCaseTests(() => docs));
    describe('records', () =>
      basicTests(
        () => harness,
        () => docs,
      ));
    describe('concurrency', () => concurrencyTests(() => harness));
    describe('transactions', () => transactionTests(() => harness));
    describe('incarnations', () => incarnationTests(() => harness, traits));
  });
}
