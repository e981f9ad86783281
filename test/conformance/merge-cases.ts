import { merge } from 'noclobber';
import type { OpCase } from './op-case.js';

/** `merge` (RFC 7396): into columns, nested and missing paths, null deletes, arrays whole, at the root. */
export const MERGE_CASES: readonly OpCase[] = [
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
];
