import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import type { StoreHarness, TableSpec } from '../conformance/harness.js';
import { dynamoHarness } from '../dynamodb/dynamo-harness.js';
import { postgresHarness } from '../postgres/pg-harness.js';
import { prismaHarness } from '../prisma/prisma-harness.js';
import { service } from '../setup/services.js';
import { sqliteHarness } from '../sqlite/sqlite-harness.js';

/** The table the hostile tests write: every column kind, a capped JSON column. */
export const HOSTILE_TABLE: TableSpec = {
  name: 'hostile',
  key: ['id'],
  columns: { id: 'text', title: 'text', n: 'number', count: 'int', data: 'json', meta: 'json', capped: 'json' },
  maxBytes: { capped: 256 },
};

/** The memory store shaped like the SQL tables: the same field kinds, so it refuses what they refuse. */
export function memoryHarness(): StoreHarness {
  return {
    name: 'memory',
    async table(spec) {
      const kinds = {
        text: { kind: 'string' },
        int: { kind: 'integer', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
        number: { kind: 'number' },
      } as const;
      const store = new MemoryStore({
        key: [...spec.key],
        fields: Object.keys(spec.columns),
        json: Object.entries(spec.columns)
          .filter(([, k]) => k === 'json')
          .map(([c]) => c),
        fieldTypes: Object.fromEntries(
          Object.entries(spec.columns).flatMap(([c, k]) => (k === 'json' ? [] : [[c, kinds[k]]])),
        ),
        ...(spec.maxBytes ? { maxBytes: spec.maxBytes } : {}),
      });
      return { store, connect: async () => store };
    },
    async close() {},
  };
}

/** Every store this run can reach (STORES and the services the run's broker starts decide; a skipped one says why). */
export async function availableHarnesses(): Promise<
  { name: string; make: () => StoreHarness | Promise<StoreHarness> }[]
> {
  const out: { name: string; make: () => StoreHarness | Promise<StoreHarness> }[] = [
    { name: 'memory', make: memoryHarness },
    { name: 'sqlite (:memory:)', make: () => sqliteHarness('memory') },
    { name: 'sqlite (WAL file)', make: () => sqliteHarness('file') },
  ];
  const pg = await service('postgres');
  if (pg)
    out.push({ name: 'postgres', make: () => postgresHarness(pg) }, { name: 'prisma', make: () => prismaHarness(pg) });
  const dynamo = await service('dynamodb');
  if (dynamo) out.push({ name: 'dynamodb', make: () => dynamoHarness(dynamo) });
  return out;
}
