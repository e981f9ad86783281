import type { MergeConflict } from '../core/merge3.js';

/** How one conflicting path is resolved. */
export type Resolution = 'mine' | 'theirs' | { readonly value: unknown };

/** A conflict waiting for a person: both sides changed the same fields. */
export interface ConflictEntry<T = unknown> {
  readonly id: number;
  readonly url: string;
  readonly base: T;
  readonly mine: T;
  readonly theirs: T;
  readonly conflicts: readonly MergeConflict[];
  /** Resolves every conflicting path (keyed by `path.join('.')`) and resubmits against theirs' version. */
  resolve(choices: Readonly<Record<string, Resolution>>): Promise<void>;
  /** Drops my side: keep theirs as saved. */
  dismiss(): void;
}

/**
 * The conflicts a UI must show, as an external store (`subscribe` / `getSnapshot`, the
 * shape `useSyncExternalStore` takes). Entries are added by `resource().save()` when a
 * field was changed on both sides, and removed when resolved or dismissed.
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
