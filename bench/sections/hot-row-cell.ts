import type { RunsSummary } from '../lib/summarize-runs.js';

/** One row of the hot-row tables: a strategy at a writer count, over every repetition. */
export interface HotRowCell extends RunsSummary {
  readonly db: 'postgres' | 'sqlite';
  /** A hot-row strategy, or a peer library's name. */
  readonly strategy: string;
  readonly writers: number;
  /** True for noclobber's own strategies: these must lose nothing. */
  readonly noclobber: boolean;
}
