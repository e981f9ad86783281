/** The median of a set of repetitions and its min–max spread. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Median of numbers (0 for none).
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Median and min–max of repetitions.
 * @example
 * ```ts
 * summarize([10, 12, 11]); // { median: 11, min: 10, max: 12 }
 * ```
 */
export function summarize(xs: readonly number[]): Summary {
  if (xs.length === 0) return { median: 0, min: 0, max: 0 };
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * Formats a summary as `median (min–max)` with `digits` decimals.
 * @example
 * ```ts
 * formatSummary({ median: 11, min: 10, max: 12 }); // "11 (10–12)"
 * ```
 */
export function formatSummary(s: Summary, digits = 0): string {
  const f = (x: number) => x.toFixed(digits);
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}
