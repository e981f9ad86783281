import { describe, expect, it } from 'vitest';
import { applyOps, mergePatch } from './apply-ops.js';
import { GuardError } from './errors/guard-error.js';
import { InvalidChangeError } from './errors/invalid-change-error.js';
import { add, inc, merge, remove, set, unset } from './ops.js';
import type { JsonValue } from './types.js';

describe('mergePatch (RFC 7396 appendix A)', () => {
  const vectors: [JsonValue, JsonValue, JsonValue][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of vectors) {
    it(`${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => {
      expect(mergePatch(target, patch)).toEqual(result);
    });
  }
  it('does not modify its inputs', () => {
    const target = { a: { b: 1 } };
    mergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('applyOps', () => {
  it('is pure: the input value is never modified', () => {
    const value = { data: { a: [1] }, n: 1 };
    const copy = structuredClone(value);
    applyOps(value, [set('data.a', [2]), inc('n', 1), add('data.list', 'x')]);
    expect(value).toEqual(copy);
  });

  it('applies ops in order', () => {
    expect(applyOps({ n: 1 }, [inc('n', 1), set('n', 10), inc('n', 1)])).toEqual({ n: 11 });
  });

  it('unset at the top level removes the field', () => {
    expect(applyOps({ a: 1, b: 2 }, [unset('a')])).toEqual({ b: 2 });
  });

  it('root merge nulls fields and merges objects', () => {
    expect(applyOps({ a: 1, j: { x: 1, y: 2 } }, [merge('', { a: null, j: { y: null, z: 3 } })])).toEqual({
      j: { x: 1, z: 3 },
    });
  });

  it('type mismatches are InvalidChangeError with the path', () => {
    try {
      applyOps({ data: { a: 5 } }, [set('data.a.b', 1)]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidChangeError);
      expect(e).toMatchObject({ reason: 'type_mismatch', path: ['data', 'a'] });
    }
  });

  it('inc bounds report the violated bound as a GuardError', () => {
    expect(() => applyOps({ n: 0 }, [inc('n', -1, { min: 0 })])).toThrow(GuardError);
    try {
      applyOps({ n: 9 }, [inc('n', 2, { max: 10 })]);
    } catch (e) {
      expect(e).toMatchObject({ code: 'guard_failed', guard: { path: ['n'], op: 'lte', value: 10 }, actual: 11 });
    }
  });

  it('add and remove treat arrays as sets of scalars with strict equality', () => {
    expect(applyOps({ t: ['1', 1] }, [add('t', 1), add('t', true), remove('t', '1')])).toEqual({ t: [1, true] });
  });

  it('parses string paths and rejects prototype keys', () => {
    expect(() => applyOps({}, [set('a.__proto__.b', 1)])).toThrow(InvalidChangeError);
    expect(({} as Record<string, unknown>).b).toBeUndefined();
  });
});
