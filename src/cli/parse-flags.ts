import { UsageError } from './usage-error.js';

/** A flag the command accepts: boolean, or taking a value. */
export interface FlagSpec {
  readonly type: 'boolean' | 'string' | 'int';
  readonly min?: number;
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name`; anything unknown or malformed
 * is a `UsageError` naming it.
 * @example
 * ```ts
 * parseFlags(['--writers', '8', '--json'], { writers: { type: 'int', min: 1 }, json: { type: 'boolean' } });
 * // { writers: 8, json: true }
 * ```
 */
export function parseFlags(
  argv: readonly string[],
  specs: Readonly<Record<string, FlagSpec>>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}" (see --help)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag --${name} (see --help)`);
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const raw = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (raw === undefined || raw === '' || (eq === -1 && raw.startsWith('--')))
      throw new UsageError(`--${name} needs a value`);
    if (spec.type === 'int') {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < (spec.min ?? Number.MIN_SAFE_INTEGER))
        throw new UsageError(
          `--${name} must be a whole number${spec.min === undefined ? '' : ` of at least ${spec.min}`}, not "${raw}"`,
        );
      out[name] = n;
    } else out[name] = raw;
  }
  return out;
}
