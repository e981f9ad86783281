import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from './json.js';

describe('jsonBytes', () => {
  it('counts exactly the UTF-8 bytes TextEncoder would produce, for any JSON value (astral, lone surrogates included)', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary' }), (value, text) => {
        expect(jsonBytes(value)).toBe(encoder.encode(JSON.stringify(value)).length);
        expect(jsonBytes(text)).toBe(encoder.encode(JSON.stringify(text)).length);
      }),
      { numRuns: 500 },
    );
  });
});
