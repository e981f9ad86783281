import { useSyncExternalStore } from 'react';
import type { ConflictEntry, ConflictStore } from '../client/conflict-store.js';
import type { Resource } from '../client/resource.js';
import type { ResourceState } from '../client/resource-options.js';

/**
 * The resource's state (value, ETag, status), re-rendering when it changes.
 * @example
 * ```tsx
 * const { value, status } = useResource(draft);
 * ```
 */
export function useResource<T extends object>(res: Resource<T>): ResourceState<T> {
  return useSyncExternalStore(res.subscribe, res.getSnapshot, res.getSnapshot);
}

/**
 * The conflicts waiting for the user: fields changed on both sides, and changes whose retry
 * budget ran out (`entry.reason`), each with base, mine and theirs.
 * @example
 * ```tsx
 * const conflicts = useConflicts(store);
 * return conflicts.map((c) => <ConflictDialog key={c.id} entry={c} />);
 * ```
 */
export function useConflicts(store: ConflictStore): readonly ConflictEntry[] {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
