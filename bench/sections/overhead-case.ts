/** One operation variant of an overhead case: called with the index of a distinct row. */
export type OverheadOp = (i: number) => unknown;

/** One call to measure, in three variants on the same driver and the same rows. */
export interface OverheadCase {
  readonly db: 'postgres' | 'sqlite';
  readonly call: 'apply' | 'update';
  /** What the hand-written variant does, for the report. */
  readonly raw: string;
  readonly variants: Readonly<Record<'raw' | 'same' | 'noclobber', OverheadOp>>;
}

/** A set of cases and how to clean up after them. */
export interface OverheadCases {
  readonly cases: readonly OverheadCase[];
  /** Untimed housekeeping between repetitions (SQLite: the WAL checkpoint). */
  between?(): void;
  close(): Promise<void>;
}

/** The row whose calls are traced: values distinct from every other row's, so parameters are recognised by value. */
export const CAPTURE_KEY = 'capture';

/**
 * Throws when a hand-written or replayed write wrote nothing (it must not pass silently).
 * @example
 * ```ts
 * mustHaveWritten(result.rowCount, 'raw apply');
 * ```
 */
export function mustHaveWritten(ok: unknown, what: string): void {
  if (!ok) throw new Error(`overhead: ${what} wrote nothing`);
}
