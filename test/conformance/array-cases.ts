import { add, remove } from 'noclobber';
import { mismatch, type OpCase } from './op-case.js';

/** `add` and `remove` on lists used as sets: missing, null and non-array targets, strict types. */
export const ARRAY_CASES: readonly OpCase[] = [
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
];
