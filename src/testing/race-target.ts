import type { Row, Store } from '../core/index.js';

/**
 * A database prepared for a race: a table `race_rows` with columns `id` (text key),
 * `version` (integer), `n` (number) and `markers` (JSON array), and a way to open more
 * connections to it. Each store provides one (see `src/cli/targets/`).
 *
 * @example
 * ```ts
 * const target = await openTarget({});
 * const store = await target.connect(); // a new connection each call
 * ```
 */
export interface RaceTarget {
  /** Store name shown in reports ('sqlite', 'postgres', ...). */
  readonly name: string;
  /** A store over a new connection to the race table (same connection where the database allows only one). */
  connect(): Promise<Store<Row>>;
  /** Empties the race table. */
  reset(): Promise<void>;
  /** Closes every connection and stops any server the target started. */
  close(): Promise<void>;
}
