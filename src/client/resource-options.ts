import type { Merge3Options } from '../core/merge3.js';
import type { Op } from '../core/ops.js';
import type { ConflictEntry, ConflictStore } from './conflict-store.js';
import type { Version, WireOptions } from './wire.js';

/** What a resource knows: the last value the server confirmed, and its ETag / version. */
export interface ResourceState<T> {
  readonly value: T | undefined;
  readonly etag: string | undefined;
  /** The body version field's value, with `versionField`. */
  readonly version?: Version | undefined;
  readonly status: 'idle' | 'loading' | 'saving' | 'conflict' | 'error';
  readonly error?: unknown;
  /** A change of this resource waiting in the ConflictStore (status `conflict` while idle). */
  readonly conflict?: ConflictEntry<T> | undefined;
}

/** The user's intent: ops, or a pure function from the current value to the next. */
export type Intent<T> = readonly Op[] | ((value: T) => T);

/** Options of {@link resource}. */
export interface ResourceOptions extends WireOptions {
  /** Attempts for `mutate` / `save` when the version moved. Default 3. */
  readonly attempts?: number;
  /** Backoff ceiling for the first retry, doubled each time, full jitter. Default 50 ms. */
  readonly baseMs?: number;
  readonly capMs?: number;
  /** Where conflicts that need a person go: both sides changed a field, or the retry budget ran out. */
  readonly conflicts?: ConflictStore;
  /** Identity fields of lists, per path, for the three-way merge (see `merge3`). */
  readonly identity?: Merge3Options['identity'];
  /** How changes travel: `merge` (RFC 7396, default) or `ops` (`application/vnd.noclobber.ops+json`). */
  readonly patch?: 'merge' | 'ops';
}
