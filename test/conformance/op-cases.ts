import { add, inc, merge, type Op, remove, set, unset } from 'noclobber';

/**
 * One pushdown case: a document, ops, and what they must produce — the value (without the
 * key), or the error (record unchanged). The table is the specification: `applyOps` and
 * every store are checked against it, not only against each other.
 */
export type OpCase = {
  readonly name: string;
  readonly initial: Record<string, unknown>;
  readonly ops: readonly Op[];
} & (
  | { readonly expected: Record<string, unknown>; readonly error?: never }
  | { readonly error: { readonly code: string; readonly reason?: string }; readonly expected?: never }
);

const mismatch = { code: 'invalid_change', reason: 'type_mismatch' } as const;
const bound = { code: 'guard_failed' } as const;

/**
 * The cases every store's pushdown must produce, and `applyOps` with them. Fields follow
 * the DOCS table: title/status/owner text, n number, data/tags/meta/capped JSON. Hostile
 * names and values are added to the table below (a quote, a doubled quote, SQL and
 * JSON-path metacharacters, prototype names as ordinary keys).
 */
export const OP_CASES: readonly OpCase[] = [
  { name: 'set a text column', initial: { title: 'a' }, ops: [set('title', 'b')], expected: { title: 'b' } },
  { name: 'set a number column', initial: { n: 1 }, ops: [set('n', 2.5)], expected: { n: 2.5 } },
  { name: 'set a column to null', initial: { title: 'a' }, ops: [set('title', null)], expected: { title: null } },
  {
    name: 'set a JSON column to an object',
    initial: {},
    ops: [set('data', { a: 1, b: { c: [1, 'x', true, null] } })],
    expected: { data: { a: 1, b: { c: [1, 'x', true, null] } } },
  },
  {
    name: 'set a JSON column to an array',
    initial: { tags: ['a'] },
    ops: [set('tags', ['x', 'y'])],
    expected: { tags: ['x', 'y'] },
  },
  {
    name: 'set a JSON column to a scalar',
    initial: { data: { a: 1 } },
    ops: [set('data', 'plain')],
    expected: { data: 'plain' },
  },
  {
    name: 'set nested under an existing parent',
    initial: { data: { a: { b: 1 } } },
    ops: [set('data.a.c', 2)],
    expected: { data: { a: { b: 1, c: 2 } } },
  },
  {
    name: 'set nested overwrites a leaf',
    initial: { data: { a: 1 } },
    ops: [set('data.a', { deep: true })],
    expected: { data: { a: { deep: true } } },
  },
  {
    name: 'set nested creates a missing column object',
    initial: {},
    ops: [set('data.a', 1)],
    expected: { data: { a: 1 } },
  },
  {
    name: 'set nested creates three missing levels',
    initial: { data: {} },
    ops: [set('data.x.y.z', 'deep')],
    expected: { data: { x: { y: { z: 'deep' } } } },
  },
  {
    name: 'set nested through a JSON null parent',
    initial: { data: { a: null } },
    ops: [set('data.a.b', 1)],
    expected: { data: { a: { b: 1 } } },
  },
  {
    name: 'set nested through a number parent',
    initial: { data: { a: 5 } },
    ops: [set('data.a.b', 1)],
    error: mismatch,
  },
  {
    name: 'set nested through an array parent',
    initial: { data: { a: [1] } },
    ops: [set('data.a.b', 1)],
    error: mismatch,
  },
  {
    name: 'set nested through a string column value',
    initial: { data: 'text' },
    ops: [set('data.a', 1)],
    error: mismatch,
  },
  {
    name: 'set nested null and false values',
    initial: { data: { a: 1 } },
    ops: [set('data.n', null), set('data.f', false)],
    expected: { data: { a: 1, n: null, f: false } },
  },
  {
    name: 'set a string with quotes and unicode',
    initial: {},
    ops: [set('title', 'it\'s "quoted" — ünïcødé ✓'), set('data.s', '\\ back "slash"')],
    expected: { title: 'it\'s "quoted" — ünïcødé ✓', data: { s: '\\ back "slash"' } },
  },
  {
    name: 'set a key containing a dot (array path)',
    initial: { data: {} },
    ops: [set(['data', 'a.b'], 1)],
    expected: { data: { 'a.b': 1 } },
  },
  {
    name: 'set a numeric-looking key',
    initial: { data: {} },
    ops: [set(['data', '0'], 'zero'), set(['data', '10'], 'ten')],
    expected: { data: { '0': 'zero', '10': 'ten' } },
  },
  { name: 'unset a column', initial: { title: 'a', n: 1 }, ops: [unset('title')], expected: { n: 1 } },
  {
    name: 'unset a nested key',
    initial: { data: { a: 1, b: 2 } },
    ops: [unset('data.a')],
    expected: { data: { b: 2 } },
  },
  {
    name: 'unset a missing nested key is a no-op',
    initial: { data: { a: 1 } },
    ops: [unset('data.zz')],
    expected: { data: { a: 1 } },
  },
  {
    name: 'unset under a missing parent is a no-op',
    initial: { data: { a: 1 } },
    ops: [unset('data.x.y')],
    expected: { data: { a: 1 } },
  },
  {
    name: 'unset through a non-object is a no-op',
    initial: { data: { a: 5 } },
    ops: [unset('data.a.b')],
    expected: { data: { a: 5 } },
  },
  { name: 'inc a number column', initial: { n: 10 }, ops: [inc('n', 5)], expected: { n: 15 } },
  { name: 'inc a null column counts from 0', initial: {}, ops: [inc('n', 3)], expected: { n: 3 } },
  { name: 'inc a float', initial: { n: 0.1 }, ops: [inc('n', 0.2)], expected: { n: 0.30000000000000004 } },
  { name: 'inc negative within min', initial: { n: 10 }, ops: [inc('n', -10, { min: 0 })], expected: { n: 0 } },
  { name: 'inc below min fails', initial: { n: 5 }, ops: [inc('n', -6, { min: 0 })], error: bound },
  { name: 'inc above max fails', initial: { n: 5 }, ops: [inc('n', 6, { max: 10 })], error: bound },
  { name: 'inc within both bounds', initial: { n: 5 }, ops: [inc('n', 5, { min: 0, max: 10 })], expected: { n: 10 } },
  {
    name: 'inc a nested missing counter',
    initial: { data: { other: 1 } },
    ops: [inc('data.hits', 1)],
    expected: { data: { other: 1, hits: 1 } },
  },
  {
    name: 'inc a nested counter with missing parents',
    initial: {},
    ops: [inc('data.stats.views', 2)],
    expected: { data: { stats: { views: 2 } } },
  },
  {
    name: 'inc a nested existing counter',
    initial: { data: { hits: 41 } },
    ops: [inc('data.hits', 1)],
    expected: { data: { hits: 42 } },
  },
  {
    name: 'inc a nested counter below min fails',
    initial: { data: { stock: 1 } },
    ops: [inc('data.stock', -2, { min: 0 })],
    error: bound,
  },
  { name: 'inc a text column fails', initial: { title: 'x' }, ops: [inc('title', 1)], error: mismatch },
  { name: 'inc a nested string fails', initial: { data: { hits: '1' } }, ops: [inc('data.hits', 1)], error: mismatch },
  {
    name: 'inc a nested object fails',
    initial: { data: { hits: { a: 1 } } },
    ops: [inc('data.hits', 1)],
    error: mismatch,
  },
  {
    name: 'merge into a JSON column',
    initial: { data: { a: 1, b: 2 } },
    ops: [merge('data', { b: 3, c: 4 })],
    expected: { data: { a: 1, b: 3, c: 4 } },
  },
  {
    name: 'merge deep objects',
    initial: { data: { a: { x: 1, y: { z: 1 } } } },
    ops: [merge('data', { a: { y: { w: 2 } } })],
    expected: { data: { a: { x: 1, y: { z: 1, w: 2 } } } },
  },
  {
    name: 'merge null deletes keys at any depth',
    initial: { data: { a: 1, b: { c: 1, d: 2 } } },
    ops: [merge('data', { a: null, b: { c: null } })],
    expected: { data: { b: { d: 2 } } },
  },
  {
    name: 'merge null for a missing key is a no-op',
    initial: { data: { a: 1 } },
    ops: [merge('data', { zz: null })],
    expected: { data: { a: 1 } },
  },
  {
    name: 'merge into a null column',
    initial: {},
    ops: [merge('data', { a: { b: 1 } })],
    expected: { data: { a: { b: 1 } } },
  },
  {
    name: 'merge replaces a non-object target',
    initial: { data: { a: 5 } },
    ops: [merge('data.a', { b: 1 })],
    expected: { data: { a: { b: 1 } } },
  },
  {
    name: 'merge replaces a nested array with an object',
    initial: { data: { a: [1, 2] } },
    ops: [merge('data', { a: { k: 1 } })],
    expected: { data: { a: { k: 1 } } },
  },
  {
    name: 'merge replaces arrays whole',
    initial: { data: { list: [1, 2, 3] } },
    ops: [merge('data', { list: [9] })],
    expected: { data: { list: [9] } },
  },
  {
    name: 'merge an empty object creates it',
    initial: { data: {} },
    ops: [merge('data', { e: {} })],
    expected: { data: { e: {} } },
  },
  {
    name: 'merge into a nested missing path',
    initial: {},
    ops: [merge('data.x.y', { k: 'v' })],
    expected: { data: { x: { y: { k: 'v' } } } },
  },
  {
    name: 'merge at the root sets scalars and nulls columns',
    initial: { title: 'a', status: 's', n: 1 },
    ops: [merge('', { title: 'b', status: null })],
    expected: { title: 'b', n: 1 },
  },
  {
    name: 'merge at the root merges JSON columns',
    initial: { data: { a: 1, b: 2 } },
    ops: [merge('', { data: { b: null, c: 3 }, n: 7 })],
    expected: { data: { a: 1, c: 3 }, n: 7 },
  },
  { name: 'add to a set', initial: { tags: ['a'] }, ops: [add('tags', 'b')], expected: { tags: ['a', 'b'] } },
  {
    name: 'add an existing item is a no-op',
    initial: { tags: ['a', 'b'] },
    ops: [add('tags', 'a')],
    expected: { tags: ['a', 'b'] },
  },
  { name: 'add to a missing array', initial: {}, ops: [add('tags', 'first')], expected: { tags: ['first'] } },
  {
    name: 'add to a nested missing array',
    initial: { data: {} },
    ops: [add('data.mirrors', 'https://m1')],
    expected: { data: { mirrors: ['https://m1'] } },
  },
  {
    name: 'add to a nested null array',
    initial: { data: { list: null } },
    ops: [add('data.list', 1)],
    expected: { data: { list: [1] } },
  },
  {
    name: 'add keeps types strict (1 vs "1")',
    initial: { tags: ['1'] },
    ops: [add('tags', 1), add('tags', true)],
    expected: { tags: ['1', 1, true] },
  },
  { name: 'add to a non-array fails', initial: { data: { list: 'x' } }, ops: [add('data.list', 'a')], error: mismatch },
  {
    name: 'remove an item',
    initial: { tags: ['a', 'b', 'c'] },
    ops: [remove('tags', 'b')],
    expected: { tags: ['a', 'c'] },
  },
  {
    name: 'remove every duplicate',
    initial: { tags: ['a', 'b', 'a'] },
    ops: [remove('tags', 'a')],
    expected: { tags: ['b'] },
  },
  {
    name: 'remove an absent item is a no-op',
    initial: { tags: ['a'] },
    ops: [remove('tags', 'z')],
    expected: { tags: ['a'] },
  },
  {
    name: 'remove from a missing array is a no-op',
    initial: { data: {} },
    ops: [remove('data.list', 'a')],
    expected: { data: {} },
  },
  {
    name: 'remove keeps types strict',
    initial: { tags: [1, '1', true] },
    ops: [remove('tags', '1')],
    expected: { tags: [1, true] },
  },
  {
    name: 'remove from a non-array fails',
    initial: { data: { list: { a: 1 } } },
    ops: [remove('data.list', 'a')],
    error: mismatch,
  },
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
