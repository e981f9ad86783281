import { set, unset } from 'noclobber';
import { mismatch, type OpCase } from './op-case.js';

/** `set` and `unset`: columns, nested paths, missing and non-object parents, literal keys. */
export const SET_CASES: readonly OpCase[] = [
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
];
