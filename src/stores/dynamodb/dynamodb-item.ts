import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A DynamoDB item as the wire carries it: attribute name → AttributeValue. */
export type Item = Record<string, AttributeValue>;

function numberText(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

/**
 * A JSON value as a DynamoDB AttributeValue: strings S, numbers N, booleans BOOL, null
 * NULL, arrays L, objects M. Lists stay lists (never sets), so `add`/`remove` keep array
 * semantics and order.
 * @example
 * ```ts
 * toAttr({ mirrors: ['https://m1'] }); // { M: { mirrors: { L: [{ S: 'https://m1' }] } } }
 * ```
 */
export function toAttr(v: unknown): AttributeValue {
  if (v === null || v === undefined) return { NULL: true };
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: numberText(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (Array.isArray(v)) return { L: v.map(toAttr) };
  const m: Record<string, AttributeValue> = {};
  for (const [k, x] of Object.entries(v as object)) if (x !== undefined) m[k] = toAttr(x);
  return { M: m };
}

function own(target: Record<string, unknown>, k: string, v: unknown): void {
  // defineProperty, not assignment: a stored key named "__proto__" must stay data.
  Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * A DynamoDB AttributeValue as JSON. String and number sets (SS / NS) read as arrays;
 * binary attributes are refused with a TypeError (noclobber stores JSON only).
 * @example
 * ```ts
 * fromAttr({ M: { n: { N: '2' } } }); // { n: 2 }
 * ```
 */
export function fromAttr(av: AttributeValue): unknown {
  if (av.S !== undefined) return av.S;
  if (av.N !== undefined) return Number(av.N);
  if (av.BOOL !== undefined) return av.BOOL;
  if (av.NULL !== undefined) return null;
  if (av.L !== undefined) return av.L.map(fromAttr);
  if (av.M !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(av.M)) own(out, k, fromAttr(x));
    return out;
  }
  if (av.SS !== undefined) return [...av.SS];
  if (av.NS !== undefined) return av.NS.map(Number);
  throw new TypeError('noclobber/dynamodb: binary attributes (B, BS) are not supported; store JSON values');
}

const encoder = new TextEncoder();
const utf8 = (s: string) => encoder.encode(s).length;

function numberSize(n: string): number {
  const digits = n.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '') || '0';
  return Math.min(21, Math.ceil(digits.length / 2) + 1);
}

function valueSize(av: AttributeValue): number {
  if (av.S !== undefined) return utf8(av.S);
  if (av.N !== undefined) return numberSize(av.N);
  if (av.BOOL !== undefined || av.NULL !== undefined) return 1;
  if (av.L !== undefined) return 3 + av.L.reduce((s, x) => s + 1 + valueSize(x), 0);
  if (av.M !== undefined) return 3 + Object.entries(av.M).reduce((s, [k, x]) => s + 1 + utf8(k) + valueSize(x), 0);
  if (av.SS !== undefined) return av.SS.reduce((s, x) => s + utf8(x), 0);
  if (av.NS !== undefined) return av.NS.reduce((s, x) => s + numberSize(x), 0);
  return 0;
}

/**
 * An item's size as DynamoDB counts it (attribute names plus values; numbers by their
 * significant digits; 3 bytes per list or map plus 1 per element), to refuse an item over
 * 400 KB, or a smaller cap, before sending it.
 * @example
 * ```ts
 * itemSize({ id: { S: 'a' }, n: { N: '12' } }); // 2 + 1 + 2 = 5
 * ```
 */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, av] of Object.entries(item)) size += utf8(name) + valueSize(av);
  return size;
}
