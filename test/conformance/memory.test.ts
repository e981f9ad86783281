import { MemoryDatabase, MemoryStore } from 'noclobber/memory';
import type { StoreHarness, TableSpec } from './harness.js';
import { describeConformance } from './suite.js';

function memoryHarness(): StoreHarness {
  // Every table of the harness lives in one memory database, as tables of one SQL database do.
  const database = new MemoryDatabase();
  return {
    name: 'memory',
    async table(spec: TableSpec) {
      const store = new MemoryStore({
        database,
        key: [...spec.key],
        fields: Object.keys(spec.columns),
        json: Object.entries(spec.columns)
          .filter(([, kind]) => kind === 'json')
          .map(([c]) => c),
        ...(spec.maxBytes ? { maxBytes: spec.maxBytes } : {}),
      });
      // One process, one copy of the data: every "connection" is the same store.
      return { store, connect: async () => store };
    },
    async close() {},
  };
}

describeConformance('memory', async () => memoryHarness(), { versionKinds: ['integer'], plain: false });
