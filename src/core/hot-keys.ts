import { LockTimeoutError } from './errors/lock-timeout-error.js';
import { Mutex } from './mutex.js';

/** How long a record counts as hot after this process saw a conflict on it. */
export const HOT_FOR_MS = 1000;

/** Past this many remembered records of one store, cold ones are swept on the next mark. */
const SWEEP_AT = 1024;

interface Entry {
  readonly mutex: Mutex;
  hotUntil: number;
  users: number;
}

/** The part of a store this file needs: its identity. */
type Holder = { readonly id?: string };

const byInstance = new WeakMap<object, Map<string, Entry>>();
const byId = new Map<string, Map<string, Entry>>();
const swept = new WeakMap<Map<string, Entry>, number>();

/** Records are shared by every store instance with the same `id` (one per connection or pool). */
function entries(store: Holder): Map<string, Entry> {
  let map = store.id === undefined ? byInstance.get(store) : byId.get(store.id);
  if (!map) {
    map = new Map();
    if (store.id === undefined) byInstance.set(store, map);
    else byId.set(store.id, map);
  }
  return map;
}

/**
 * Marks a record of `store` hot: for {@link HOT_FOR_MS}, this process's `update` calls on
 * it take turns (see {@link takeTurn}).
 * @example
 * ```ts
 * if (e instanceof ConflictError) markHot(store, keyString(store.schema, key));
 * ```
 */
export function markHot(store: Holder, id: string): void {
  const map = entries(store);
  const now = Date.now();
  // Records that cooled down unvisited are forgotten, so many keys contended once cannot grow
  // the map; at most one sweep per HOT_FOR_MS, so a storm of hot keys stays linear.
  if (map.size >= SWEEP_AT && now - (swept.get(map) ?? 0) >= HOT_FOR_MS) {
    swept.set(map, now);
    for (const [k, e] of map) if (e.users === 0 && e.hotUntil < now) map.delete(k);
  }
  const entry = map.get(id) ?? { mutex: new Mutex(), hotUntil: 0, users: 0 };
  entry.hotUntil = now + HOT_FOR_MS;
  map.set(id, entry);
}

/**
 * In-process single flight for hot records. Once `update` has met a conflict on a record,
 * for the next second this process's `update` calls on that record take turns (FIFO)
 * instead of racing each other: within one process they then never conflict, and only
 * other processes' writes can make them retry — where, on a hot row, they used to
 * conflict, escalate to the database lock and queue there. A cold record costs a map
 * lookup and no turn (`undefined`). A turn is waited for at most `maxWaitMs`, then the call
 * proceeds without it, so an `update` nested inside another on the same record cannot
 * deadlock. Writes stay conditional either way: this changes who waits where, never what is
 * written. `always` takes a turn on a record that is not hot too (a transaction that names its
 * records up front with `lockAll`).
 * @example
 * ```ts
 * const done = await takeTurn(store, id, 5000);
 * try { return await attempt(); } finally { done?.(); }
 * ```
 */
export async function takeTurn(
  store: Holder,
  id: string,
  maxWaitMs: number,
  always = false,
): Promise<(() => void) | undefined> {
  const map = entries(store);
  let entry = map.get(id);
  if (always && !entry) map.set(id, (entry = { mutex: new Mutex(), hotUntil: 0, users: 0 }));
  if (!entry || (!always && entry.hotUntil < Date.now())) {
    if (entry && entry.users === 0) map.delete(id);
    return undefined;
  }
  entry.users++;
  let release: (() => void) | undefined;
  try {
    release = await entry.mutex.acquire({ timeoutMs: maxWaitMs });
  } catch (e) {
    if (!(e instanceof LockTimeoutError)) throw e;
  }
  return () => {
    release?.();
    entry.users--;
    if (entry.users === 0 && entry.hotUntil < Date.now() && map.get(id) === entry) map.delete(id);
  };
}

/**
 * Whether this process saw a conflict on the record within the last {@link HOT_FOR_MS}.
 * @example
 * ```ts
 * if (isHot(store, keyString(store.schema, key))) lockFirst();
 * ```
 */
export function isHot(store: Holder, id: string): boolean {
  const entry = entries(store).get(id);
  return entry !== undefined && entry.hotUntil >= Date.now();
}

/**
 * How many records of `store` this process remembers as contended (for diagnostics and tests).
 * @example
 * ```ts
 * rememberedCount(store); // 0 once every hot record has cooled down and been swept
 * ```
 */
export function rememberedCount(store: Holder): number {
  return entries(store).size;
}
