import type { MergeConflict } from '../core/merge3.js';

/** How one conflicting path is resolved. */
export type Resolution = 'mine' | 'theirs' | { readonly value: unknown };

/**
 * A change waiting for a person. `reason` says why: `merge` — both sides changed the same
 * fields; `exhausted` — the version kept moving until the retry budget ran out (409/412
 * each time), so the change was never written. Either way `base` is what it was edited
 * from, `mine` the change, `theirs` the server's latest value, and `conflicts` the paths
 * changed on both sides (possibly none for `exhausted`).
 */
export interface ConflictEntry<T = unknown> {
  readonly id: number;
  readonly url: string;
  readonly reason: 'merge' | 'exhausted';
  readonly base: T;
  readonly mine: T;
  readonly theirs: T;
  readonly conflicts: readonly MergeConflict[];
  /**
   * Resolves every conflicting path (keyed by `path.join('.')`, default `theirs`), keeps
   * every change made on one side only, and saves that against theirs' version — sending
   * only what differs from theirs. A new conflict goes back into the store.
   */
  resolve(choices?: Readonly<Record<string, Resolution>>): Promise<'saved' | 'conflict'>;
  /** Drops my side: keep theirs as saved. */
  dismiss(): void;
}

/**
 * The conflicts a UI must show, as an external store (`subscribe` / `getSnapshot`, the
 * shape `useSyncExternalStore` takes). Entries are added by a resource's `save()` when a
 * field was changed on both sides, and by `save()` / `mutate()` when the retry budget ran
 * out on 409/412; removed when resolved or dismissed. One entry per URL (the newest).
 * @example
 * ```ts
 * const conflicts = new ConflictStore();
 * conflicts.subscribe(() => render(conflicts.getSnapshot()));
 * ```
 */
export class ConflictStore {
  #entries: readonly ConflictEntry[] = [];
  readonly #listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): readonly ConflictEntry[] => this.#entries;

  /** @internal used by resources */
  add(entry: ConflictEntry): void {
    this.#entries = [...this.#entries.filter((e) => e.url !== entry.url), entry];
    this.#emit();
  }

  /** @internal used by resources */
  remove(id: number): void {
    this.#entries = this.#entries.filter((e) => e.id !== id);
    this.#emit();
  }

  #emit(): void {
    for (const l of this.#listeners) l();
  }
}
