import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynExpr } from './dynamodb-expr.js';

/**
 * How the version attribute counts: an integer bumped by one, or an ISO-8601 timestamp string.
 * @example
 * ```ts
 * const kind: VersionKind = 'timestamp'; // with version: 'updated_at'
 * ```
 */
export type VersionKind = 'integer' | 'timestamp';

let lastMicros = 0n;

/** Wall-clock microseconds (BigInt: any year stays exact), strictly increasing within this process. */
function nowMicros(): bigint {
  const t = BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() % 1) * 1000));
  lastMicros = t > lastMicros ? t : lastMicros + 1n;
  return lastMicros;
}

/** `2026-11-23T17:23:10.123456Z`: fixed width, so string order is time order. */
function formatMicros(us: bigint): string {
  const iso = new Date(Number(us / 1000n)).toISOString();
  return `${iso.slice(0, -1)}${String(us % 1000n).padStart(3, '0')}Z`;
}

/** Microseconds of an ISO timestamp with up to 6 fractional digits; undefined when unreadable. */
function parseMicros(s: string): bigint | undefined {
  const whole = Date.parse(s.replace(/\.\d+/, ''));
  if (!Number.isFinite(whole)) return undefined;
  const frac = (/\.(\d{1,6})/.exec(s)?.[1] ?? '').padEnd(6, '0');
  return BigInt(whole) * 1000n + BigInt(frac);
}

/**
 * The version attribute's rules, so every write path bumps and compares it the same way.
 * A record without the attribute (written before noclobber was adopted) is at version
 * `"0"`; its first noclobber write gives it one.
 * @example
 * ```ts
 * const v = new DynamoVersion('version', 'integer');
 * v.next('7'); // '8'
 * ```
 */
export class DynamoVersion {
  constructor(
    readonly field: string,
    readonly kind: VersionKind,
  ) {}

  /** The opaque version string of a stored attribute. */
  read(av: AttributeValue | undefined): string {
    if (!av) return '0';
    if (this.kind === 'integer') return av.N === undefined ? String(av.S ?? '0') : String(Number(av.N));
    return av.S ?? String(av.N ?? '0');
  }

  /**
   * Whether `version` can name a stored version at all: integers are spelled as DynamoDB
   * returns them ("7", never "07" or "7.0", and sent as N, so they must be numbers).
   * Timestamps are strings compared exactly, whatever their precision (items written before
   * noclobber keep the `updated_at` their code wrote).
   */
  isCanonical(version: string): boolean {
    if (this.kind === 'integer') return /^(0|[1-9]\d{0,15})$/.test(version) && Number.isSafeInteger(Number(version));
    return true;
  }

  /** The version of a newly created record. */
  initial(): string {
    return this.kind === 'integer' ? '1' : formatMicros(nowMicros());
  }

  /** The version after `current` (timestamps: now, or 1 µs after `current` if the clock is behind). */
  next(current: string): string {
    if (this.kind === 'integer') return String(Number(current) + 1);
    const now = nowMicros();
    const after = parseMicros(current);
    return formatMicros(after !== undefined && after >= now ? after + 1n : now);
  }

  /** The attribute value that stores `version`. */
  attr(version: string): AttributeValue {
    return this.kind === 'integer' ? { N: version } : { S: version };
  }

  /** A condition: the stored version equals `expected` (`"0"`: no version attribute yet). */
  equals(x: DynExpr, expected: string): string {
    const v = x.name(this.field);
    if (expected === '0') return `attribute_not_exists(${v})`;
    // A string that is not an integer can never equal a numeric attribute: compare as S, which fails cleanly.
    const wire = this.kind === 'integer' && /^[1-9]\d{0,15}$/.test(expected) ? { N: expected } : { S: expected };
    return `${v} = ${x.value(wire)}`;
  }

  /**
   * The SET clause of a write that does not know the current version (pushdown), and the
   * condition it needs: integers add one; a timestamp must be later than the stored one
   * (when the clock is behind, the condition fails and the store rebases with `next`).
   */
  bump(x: DynExpr): { set: string; condition?: string; version?: string } {
    const v = x.name(this.field);
    if (this.kind === 'integer') return { set: `${v} = if_not_exists(${v}, ${x.constant(0)}) + ${x.constant(1)}` };
    const version = formatMicros(nowMicros());
    const ts = x.value({ S: version });
    return { set: `${v} = ${ts}`, condition: `(attribute_not_exists(${v}) OR ${v} < ${ts})`, version };
  }

  /** The SET clause writing a known next version. */
  set(x: DynExpr, version: string): string {
    return `${x.name(this.field)} = ${x.value(this.attr(version))}`;
  }
}
