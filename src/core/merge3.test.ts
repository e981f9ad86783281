import { describe, expect, it } from 'vitest';
import { merge3 } from './merge3.js';

describe('merge3', () => {
  it('takes disjoint edits from both sides', () => {
    const base = { title: 'a', body: 'b', meta: { x: 1, y: 1 } };
    expect(merge3(base, { ...base, title: 'A', meta: { x: 2, y: 1 } }, { ...base, body: 'B', meta: { x: 1, y: 3 } })).toEqual({
      value: { title: 'A', body: 'B', meta: { x: 2, y: 3 } },
      conflicts: [],
    });
  });

  it('reports a field changed differently on both sides, holding theirs', () => {
    const r = merge3({ t: 'x', u: 1 }, { t: 'mine', u: 1 }, { t: 'theirs', u: 2 });
    expect(r.value).toEqual({ t: 'theirs', u: 2 });
    expect(r.conflicts).toEqual([{ path: ['t'], base: 'x', mine: 'mine', theirs: 'theirs' }]);
  });

  it('takes identical edits once', () => {
    expect(merge3({ t: 1 }, { t: 2 }, { t: 2 })).toEqual({ value: { t: 2 }, conflicts: [] });
  });

  it('handles deletions: one side deletes an untouched field', () => {
    expect(merge3({ a: 1, b: 2 }, { a: 1 }, { a: 1, b: 2, c: 3 })).toEqual({ value: { a: 1, c: 3 }, conflicts: [] });
  });

  it('delete versus edit is a conflict', () => {
    const r = merge3({ a: 1 }, {}, { a: 2 });
    expect(r.conflicts).toEqual([{ path: ['a'], base: 1, mine: undefined, theirs: 2 }]);
  });

  it('arrays are atomic', () => {
    expect(merge3({ l: [1] }, { l: [1, 2] }, { l: [0, 1] }).conflicts).toHaveLength(1);
  });

  it('recurses into objects added on both sides', () => {
    expect(merge3({}, { o: { a: 1 } }, { o: { b: 2 } })).toEqual({ value: { o: { a: 1, b: 2 } }, conflicts: [] });
  });
});
