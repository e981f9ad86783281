import { add, inc, merge, remove, set, unset } from 'noclobber';
import { ARRAY_CASES } from './array-cases.js';
import { INC_CASES } from './inc-cases.js';
import { MERGE_CASES } from './merge-cases.js';
import { mismatch, type OpCase } from './op-case.js';
import { SET_CASES } from './set-cases.js';

export type { OpCase } from './op-case.js';

/**
 * The cases every store's pushdown must produce, and `applyOps` with them. Fields follow
 * the DOCS table: title/status/owner text, n number, data/tags/meta/capped JSON. Hostile
 * names and values are added to the table below (a quote, a doubled quote, SQL and
 * JSON-path metacharacters, prototype names as ordinary keys).
 */
export const OP_CASES: readonly OpCase[] = [
  ...SET_CASES,
  ...INC_CASES,
  ...MERGE_CASES,
  ...ARRAY_CASES,
  // Several ops in one write, and hostile names and values.
  {
    name: 'several ops on one column apply in order',
    initial: { data: { a: 1 } },
    ops: [set('data.b', 2), merge('data', { a: null, c: 3 }), inc('data.c', 1), unset('data.b')],
    expected: { data: { c: 4 } },
  },
  { name: 'set then inc the same path', initial: {}, ops: [set('n', 1), inc('n', 1)], expected: { n: 2 } },
  {
    name: 'add then remove in one list',
    initial: { tags: ['x'] },
    ops: [add('tags', 'y'), remove('tags', 'x'), add('tags', 'z')],
    expected: { tags: ['y', 'z'] },
  },
  {
    name: 'ops across several columns',
    initial: { title: 't', n: 1, data: {}, tags: [] },
    ops: [set('title', 'u'), inc('n', 2), set('data.k', 'v'), add('tags', 'q'), set('meta', { m: 1 })],
    expected: { title: 'u', n: 3, data: { k: 'v' }, tags: ['q'], meta: { m: 1 } },
  },
  {
    name: 'a failing op rolls back earlier ops',
    initial: { n: 1, data: { s: 'x' } },
    ops: [inc('n', 1), inc('data.s', 1)],
    error: mismatch,
  },
  {
    name: 'hostile keys are literal keys',
    initial: { data: {} },
    ops: [
      set(['data', "it's"], 1),
      set(['data', "''"], 2),
      set(['data', "x'||(SELECT 1)||'"], 3),
      set(['data', '$.a[0]'], 4),
      set(['data', '--'], 5),
      set(['data', '/*;*/'], 6),
    ],
    expected: { data: { "it's": 1, "''": 2, "x'||(SELECT 1)||'": 3, '$.a[0]': 4, '--': 5, '/*;*/': 6 } },
  },
  {
    name: 'hostile keys nest and merge as literal keys',
    initial: { data: { "'": { a: 1 } } },
    ops: [
      set(['data', "'", "'"], 'q'),
      merge(['data', "'"], { "'); --": true, a: null }),
      inc(['data', '#n0'], 2),
      add(['data', ':v0'], "'"),
    ],
    expected: { data: { "'": { "'": 'q', "'); --": true }, '#n0': 2, ':v0': ["'"] } },
  },
  {
    name: 'Object.prototype names are ordinary keys',
    initial: { data: { toString: 1 } },
    ops: [
      inc(['data', 'toString'], 1),
      inc(['data', 'valueOf'], 1),
      set(['data', 'hasOwnProperty'], 'x'),
      merge(['data', '__defineGetter__'], { isPrototypeOf: true }),
    ],
    expected: { data: { toString: 2, valueOf: 1, hasOwnProperty: 'x', __defineGetter__: { isPrototypeOf: true } } },
  },
  {
    name: 'astral and numeric-looking keys',
    initial: {},
    ops: [set(['data', '\u{1F600}'], '\u{10FFFF}'), set(['data', '-1'], 1e21), set(['data', '1e3'], -0.5)],
    expected: { data: { '\u{1F600}': '\u{10FFFF}', '-1': 1e21, '1e3': -0.5 } },
  },
];
