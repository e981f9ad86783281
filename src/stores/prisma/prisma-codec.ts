import { Decimal } from '@prisma/client/runtime/client';
import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { isPlainObject } from '../../core/json.js';
import type { Row } from '../../core/types.js';

type Types = ReadonlyMap<string, string>;

/** A value read as JSON, in the JavaScript type Prisma gives the field. */
function toPrismaValue(type: string | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (type === 'DateTime' && typeof v === 'string') return new Date(v);
  if (type === 'BigInt' && (typeof v === 'string' || typeof v === 'number')) return BigInt(v);
  if (type === 'Decimal' && (typeof v === 'string' || typeof v === 'number')) return new Decimal(v);
  return v;
}

/**
 * A value in Prisma's JavaScript type, as the JSON the store writes. Numbers must stay exact:
 * a bigint past 2^53 or a Decimal no double holds is `out_of_range`, as any number the store
 * cannot hold (never rounded).
 */
function fromPrismaValue(field: string, v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
      throw new InvalidChangeError(`"${field}" is beyond a safe integer`, { reason: 'out_of_range', path: [field] });
    return Number(v);
  }
  if (Decimal.isDecimal(v)) {
    const n = (v as Decimal).toNumber();
    if (!(v as Decimal).equals(n))
      throw new InvalidChangeError(`"${field}" does not fit a double exactly`, {
        reason: 'out_of_range',
        path: [field],
      });
    return n;
  }
  return v;
}

/**
 * Converts rows between the JSON a noclobber store holds (timestamps as ISO-8601 strings,
 * int8 and numeric as text) and the types a Prisma model's fields have (`Date`, `bigint`,
 * `Decimal`), for a model and its included relations; adds and strips the version field.
 * @example
 * ```ts
 * const codec = new PrismaCodec(types, 'version', 'integer');
 * codec.toPrisma({ id: 'p1', createdAt: '2026-01-27T00:00:00.000Z' }, '3'); // { id: 'p1', createdAt: Date, version: 3 }
 * ```
 */
export class PrismaCodec {
  readonly #types: Types;
  readonly #versionField: string;
  readonly #timestamp: boolean;
  readonly #children: ReadonlyMap<string, PrismaCodec>;

  constructor(
    types: Types,
    versionField: string,
    versionKind: 'integer' | 'timestamp',
    children: ReadonlyMap<string, PrismaCodec> = new Map(),
  ) {
    this.#types = types;
    this.#versionField = versionField;
    this.#timestamp = versionKind === 'timestamp';
    this.#children = children;
  }

  /** The version as the model's field holds it (an Int, or a DateTime for timestamp versions). */
  version(version: string): unknown {
    return this.#timestamp ? new Date(Number(BigInt(version) / 1000n)) : Number(version);
  }

  /** The version a Prisma `where` names, as noclobber compares it. */
  versionOf(value: unknown): string {
    if (value instanceof Date) return String(BigInt(value.getTime()) * 1000n);
    return String(value);
  }

  #row(row: Row, out: boolean): Row {
    const result: Row = {};
    for (const [k, v] of Object.entries(row)) {
      const child = this.#children.get(k);
      if (child && Array.isArray(v)) result[k] = v.map((r) => (isPlainObject(r) ? child.#row(r, out) : r));
      else result[k] = out ? toPrismaValue(this.#types.get(k), v) : fromPrismaValue(k, v);
    }
    return result;
  }

  /** A stored value as the model's row, with its version. */
  toPrisma(value: Row, version: string): Row {
    return { ...this.#row(value, true), [this.#versionField]: this.version(version) };
  }

  /** An included child row as the model's row. */
  childToPrisma(value: Row): Row {
    return this.#row(value, true);
  }

  /**
   * A row from your code as the value to store: Prisma's types as JSON, and the version
   * field dropped when it is the one read (writing another version is refused by the store).
   */
  fromPrisma(row: Row, version: string | undefined): Row {
    const out = this.#row(row, false);
    const v = out[this.#versionField];
    if (v !== undefined && version !== undefined && this.versionOf(row[this.#versionField]) === version)
      delete out[this.#versionField];
    return out;
  }

  /** A value for an op at `field` (a Date, bigint or Decimal as the JSON the store writes). */
  opValue(field: string, v: unknown): unknown {
    return fromPrismaValue(field, v);
  }
}
