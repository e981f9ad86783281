/**
 * A version column (`column`, qualified) as the version string: an integer's text, or a
 * timestamp's microseconds since the epoch (exact, and strictly ordered).
 * @example
 * ```ts
 * versionText('t."version"', false); // 't."version"::text'
 * ```
 */
export function versionText(column: string, timestamp: boolean): string {
  return timestamp ? `((extract(epoch from ${column}) * 1000000)::bigint)::text` : `${column}::text`;
}

/**
 * The version a write gives a row at `column`: one more, or the clock — but at least one
 * microsecond after the stored one, so it strictly increases. `type` is the column's type.
 * @example
 * ```ts
 * nextVersionSql('t."version"', false, 'integer'); // 't."version" + 1'
 * ```
 */
export function nextVersionSql(column: string, timestamp: boolean, type: string): string {
  return timestamp ? `GREATEST(clock_timestamp()::${type}, ${column} + interval '1 microsecond')` : `${column} + 1`;
}

/**
 * The version of a record created after `last` (a bigint: the key's tombstone, 0 for a key
 * never deleted) — never a version an earlier record of the key had.
 * @example
 * ```ts
 * firstVersionSql('hw.version', false, 'integer'); // 'hw.version + 1'
 * ```
 */
export function firstVersionSql(last: string, timestamp: boolean, type: string): string {
  return timestamp
    ? `GREATEST(clock_timestamp()::${type}, 'epoch'::${type} + (${last} + 1) * interval '1 microsecond')`
    : `${last} + 1`;
}
