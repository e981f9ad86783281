import { type Collection, collection, type Row } from 'noclobber';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHarness } from '../conformance/harness.js';
import { rejects, uid, withoutNulls } from '../conformance/support.js';
import { HOSTILE_CASES } from './hostile-cases.js';
import { availableHarnesses, HOSTILE_TABLE } from './model-stores.js';

// Each case of HOSTILE_CASES on every store: the outcome the reference gives, and a refused
// write leaves the record as it was.
for (const { name: storeName, make } of await availableHarnesses()) {
  describe(`hostile regression cases: ${storeName}`, () => {
    let harness: StoreHarness;
    let docs: Collection<Row>;
    beforeAll(async () => {
      harness = await make();
      docs = collection((await harness.table(HOSTILE_TABLE)).store, { retry: { attempts: 1 } });
    });
    afterAll(() => harness?.close());

    for (const c of HOSTILE_CASES) {
      if (c.stores && !c.stores(storeName)) continue;
      it(c.name, async () => {
        const id = uid('h');
        const created = await docs.create(id, { id, ...c.initial });
        if ('error' in c.expected) {
          const err = await rejects(() => c.write(docs, id, created.version));
          expect(err).toMatchObject(c.expected.error);
          const after = await docs.get(id);
          expect(after?.version).toBe(created.version);
          expect(withoutNulls(after?.value)).toEqual(withoutNulls(created.value));
        } else {
          await c.write(docs, id, created.version);
          expect(withoutNulls((await docs.get(id))?.value)).toEqual({ id, ...c.expected.value });
        }
      });
    }
  });
}
