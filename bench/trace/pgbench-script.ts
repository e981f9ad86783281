import type { TracedQuery } from './trace-pool.js';

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = Array.isArray(value)
    ? `{${value.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`
    : String(value);
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Turns traced statements into a pgbench custom script: each `$n` becomes the literal it
 * was sent with, except values listed in `bind`, which become pgbench expressions (e.g.
 * the version read by `… FOR UPDATE \gset`). Statements matching `gset` store their result
 * columns in pgbench variables.
 * @example
 * ```ts
 * pgbenchScript(trace, { bind: new Map([['7', ':__nc_v']]), gset: /FOR UPDATE$/ });
 * ```
 */
export function pgbenchScript(
  trace: readonly TracedQuery[],
  options: { bind?: ReadonlyMap<unknown, string>; gset?: RegExp } = {},
): string {
  return trace
    .map(({ sql, values }) => {
      const text = sql.replace(/\$(\d+)/g, (_, i: string) => {
        const v = values[Number(i) - 1];
        return options.bind?.get(v) ?? literal(v);
      });
      const oneLine = text.replace(/\s*\n\s*/g, ' ');
      return options.gset?.test(oneLine) ? `${oneLine} \\gset` : `${oneLine};`;
    })
    .join('\n')
    .concat('\n');
}
