import { MemoryStore } from '../../stores/memory/index.js';
import type { RaceTarget } from '../../testing/race-target.js';

/**
 * A race target in process memory (one shared store: "connections" are the same store).
 * @example
 * ```ts
 * const target = await openTarget({});
 * ```
 */
export async function openTarget(_options: { url?: string }): Promise<RaceTarget> {
  let store = new MemoryStore({ key: 'id', json: ['markers'] });
  return {
    name: 'memory',
    connect: async () => store,
    reset: async () => {
      store = new MemoryStore({ key: 'id', json: ['markers'] });
    },
    close: async () => {},
  };
}
