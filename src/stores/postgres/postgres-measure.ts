import { isPlainObject } from '../../core/json.js';

const utf8 = new TextEncoder();

function numberText(n: number): number {
  const s = JSON.stringify(n);
  if (!/e/i.test(s)) return s.length;
  // jsonb stores numeric, whose text has no exponent: 1e+21 prints as 22 digits.
  const [mantissa = '', exp = '0'] = s.split(/e/i);
  const e = Number(exp);
  const negative = mantissa.startsWith('-') ? 1 : 0;
  const [int = '', frac = ''] = mantissa.replace('-', '').split('.');
  const digits = int + frac;
  if (e >= 0) return negative + Math.max(digits.length, int.length + e);
  const leading = -e - int.length;
  return negative + 2 + Math.max(0, leading) + digits.length;
}

/**
 * Bytes of a value in jsonb's text form (`{"a": 1, "b": [1, 2]}`: a space after every `:`
 * and `,`, numbers without exponent), which is what PostgreSQL's `octet_length(x::text)`
 * measures; used so a cap means the same in the statement and in the explanation.
 * @example
 * ```ts
 * pgJsonTextBytes({ a: 1, b: [1, 2] }); // 20
 * ```
 */
export function pgJsonTextBytes(value: unknown): number {
  if (value === null || typeof value === 'boolean') return String(value).length;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return utf8.encode(JSON.stringify(value)).length;
  if (Array.isArray(value))
    return 2 + value.reduce((n: number, v) => n + pgJsonTextBytes(v), 0) + Math.max(0, value.length - 1) * 2;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return (
      2 +
      entries.reduce((n, [k, v]) => n + utf8.encode(JSON.stringify(k)).length + 2 + pgJsonTextBytes(v), 0) +
      Math.max(0, entries.length - 1) * 2
    );
  }
  return 0;
}
