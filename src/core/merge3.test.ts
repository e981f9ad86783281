import { describe, expect, it } from 'vitest';
import { elementSegment, merge3, parseElementSegment } from './merge3.js';

const el = (id: string) => elementSegment('id', id);

describe('merge3', () => {
  it('takes disjoint edits from both sides', () => {
    const base = { title: 'a', body: 'b', meta: { x: 1, y: 1 } };
    expect(
      merge3(base, { ...base, title: 'A', meta: { x: 2, y: 1 } }, { ...base, body: 'B', meta: { x: 1, y: 3 } }),
    ).toEqual({
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

  it('lists of scalars merge as sets: both additions and both removals survive', () => {
    expect(merge3({ l: [1, 2, 3] }, { l: [1, 3, 4] }, { l: [0, 1, 2, 3] })).toEqual({
      value: { l: [0, 1, 3, 4] },
      conflicts: [],
    });
  });

  it('identity lists: two appends, a removal and edits of different elements all survive', () => {
    const s = (id: string, title: string, body = '') => ({ id, title, body });
    const base = { sections: [s('a', 'A'), s('b', 'B'), s('c', 'C')] };
    const mine = { sections: [s('a', 'A mine'), s('b', 'B'), s('c', 'C'), s('m', 'M')] };
    const theirs = { sections: [s('a', 'A', 'body theirs'), s('c', 'C'), s('t', 'T')] };
    expect(merge3(base, mine, theirs)).toEqual({
      value: { sections: [s('a', 'A mine', 'body theirs'), s('c', 'C'), s('t', 'T'), s('m', 'M')] }, // mine's append lands after theirs, saved first
      conflicts: [],
    });
  });

  it('identity lists: the same field of the same element is a conflict at the element path', () => {
    const r = merge3({ l: [{ id: 1, t: 'x' }] }, { l: [{ id: 1, t: 'mine' }] }, { l: [{ id: 1, t: 'theirs' }] });
    expect(r.conflicts).toEqual([
      { path: ['l', elementSegment('id', 1), 't'], base: 'x', mine: 'mine', theirs: 'theirs' },
    ]);
    expect(r.value).toEqual({ l: [{ id: 1, t: 'theirs' }] });
  });

  it('identity lists: an element edited on one side and removed on the other is a conflict', () => {
    const r = merge3(
      { l: [{ id: 'a', t: 1 }, { id: 'b' }] },
      { l: [{ id: 'b' }] },
      { l: [{ id: 'a', t: 2 }, { id: 'b' }] },
    );
    expect(r.conflicts).toEqual([
      { path: ['l', el('a')], base: { id: 'a', t: 1 }, mine: undefined, theirs: { id: 'a', t: 2 } },
    ]);
    expect(r.value).toEqual({ l: [{ id: 'a', t: 2 }, { id: 'b' }] });
  });

  it('identity per path: another field, nested lists, or a list kept whole', () => {
    const base = { pages: [{ key: 'p', blocks: [{ blockId: 1, v: 0 }] }] };
    const mine = { pages: [{ key: 'p', blocks: [{ blockId: 1, v: 1 }] }] };
    const theirs = {
      pages: [
        {
          key: 'p',
          blocks: [
            { blockId: 1, v: 0 },
            { blockId: 2, v: 0 },
          ],
        },
      ],
    };
    const identity = { pages: 'key', 'pages.*.blocks': 'blockId' };
    expect(merge3(base, mine, theirs, { identity }).value).toEqual({
      pages: [
        {
          key: 'p',
          blocks: [
            { blockId: 1, v: 1 },
            { blockId: 2, v: 0 },
          ],
        },
      ],
    });
    expect(merge3(base, mine, theirs).conflicts).toHaveLength(1); // no `id`: atomic
    expect(merge3({ l: [1] }, { l: [1, 2] }, { l: [0, 1] }, { identity: { l: false } }).conflicts).toHaveLength(1);
  });

  it('keeps the order of the side that reordered', () => {
    const [a, b, c] = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(merge3({ l: [a, b, c] }, { l: [c, a, b] }, { l: [a, b, c, { id: 'd' }] }).value).toEqual({
      l: [c, a, b, { id: 'd' }],
    });
  });

  it('recurses into objects added on both sides', () => {
    expect(merge3({}, { o: { a: 1 } }, { o: { b: 2 } })).toEqual({ value: { o: { a: 1, b: 2 } }, conflicts: [] });
  });

  it('ignores own __proto__ / constructor / prototype keys of parsed JSON on every side', () => {
    const base = JSON.parse('{"a":1,"l":[{"id":1,"__proto__":{"polluted":true}}]}');
    const mine = JSON.parse(
      '{"a":2,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"l":[{"id":1}]}',
    );
    const theirs = JSON.parse('{"a":1,"prototype":1,"l":[{"id":1,"x":{"__proto__":{"polluted":true}}}]}');
    const r = merge3(base, mine, theirs);
    expect(r.value).toEqual({ a: 2, l: [{ id: 1, x: {} }] });
    expect(r.conflicts).toEqual([]);
    const out = r.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['a', 'l']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(merge3(mine, mine, mine).value).toEqual({ a: 2, l: [{ id: 1 }] });
  });

  it('element segments round-trip and never parse from an ordinary key', () => {
    expect(parseElementSegment(elementSegment('key', 3))).toEqual({ field: 'key', id: 3 });
    expect(parseElementSegment('title')).toBeUndefined();
    expect(parseElementSegment('{"a":1,"b":2}')).toBeUndefined();
  });
});
