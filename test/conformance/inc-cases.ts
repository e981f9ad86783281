import { inc } from 'noclobber';
import { bound, mismatch, type OpCase } from './op-case.js';

/** `inc`: counters at columns and nested paths, from null, within and past bounds, on non-numbers. */
export const INC_CASES: readonly OpCase[] = [
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
];
