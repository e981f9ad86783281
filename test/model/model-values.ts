// The values the model-based run writes and guards against: path segments, scalars, JSON
// documents, row values per column. The writes built from them are in model-arbitraries.ts.
import fc from 'fast-check';
import { keyProblem } from 'noclobber/store';
import { HOSTILE_NUMBERS, HOSTILE_SEGMENTS, HOSTILE_STRINGS } from './hostile.js';

/**
 * A few plain keys, so generated ops and guards often meet on the same paths; rows are
 * created with `a` a number, `b` a string, `x` an array and `o` an object under each JSON column.
 */
const COMMON = ['a', 'b', 'x', 'o'];

export const ACCEPTED = HOSTILE_SEGMENTS.filter((s) => keyProblem(s) === undefined);
const REFUSED = HOSTILE_SEGMENTS.filter((s) => keyProblem(s) !== undefined);

/**
 * A path segment: mostly hostile names every store must take literally, often common
 * ones (so ops and guards meet), sometimes arbitrary unicode, and now and then one the core
 * must refuse (`"`, `\`, control characters, prototype keys, too long).
 */
export const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ACCEPTED) },
  { weight: 8, arbitrary: fc.constantFrom(...COMMON) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(...REFUSED) },
);

/** Keys inside generated values: hostile, and only rarely one the core refuses (a value has many). */
const valueKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 150, arbitrary: fc.constantFrom(...ACCEPTED) },
  {
    weight: 50,
    arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter((k) => keyProblem(k) === undefined),
  },
  { weight: 1, arbitrary: fc.constantFrom(...REFUSED) },
);

export const number: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

export const string: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...COMMON) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
);

/** A JSON scalar. */
export const scalar: fc.Arbitrary<string | number | boolean | null> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  number,
  string,
);

/** An item for add / remove (no null). */
export const item: fc.Arbitrary<string | number | boolean> = fc.oneof(fc.boolean(), number, string);

/** A value nested `depth` levels (the limits: 31 / 32 for DynamoDB, 63 / 64 elsewhere). */
const deep = fc.constantFrom(30, 31, 32, 62, 63, 64, 200).map((depth) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { d: v };
  return v;
});

const tree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'xsmall', maxDepth: 3, withCrossShrink: true }, scalar, tie('object'), tie('array')),
  object: fc.dictionary(valueKey, tie('value'), { maxKeys: 3, depthIdentifier: 'tree' }),
  array: fc.array(tie('value'), { maxLength: 3, depthIdentifier: 'tree' }),
}));

/** A JSON value with hostile keys, small and now and then absurdly deep. */
export const json: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 60, arbitrary: tree.value },
  { weight: 1, arbitrary: deep },
);

export const object: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 60, arbitrary: tree.object as fc.Arbitrary<Record<string, unknown>> },
  { weight: 1, arbitrary: deep.map((d) => ({ d })) },
);

/** A JSON column's value as rows are created: the common keys typed as ops expect, and hostile others. */
const document: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record({ a: number, b: string, x: fc.array(item, { maxLength: 3 }), o: tree.object }, { requiredKeys: [] }),
    object,
  )
  .map(([common, rest]) => ({ ...rest, ...common }));

/** Top-level fields: the columns, and rarely what must be refused. */
export const SCALAR_COLUMNS = ['title', 'n', 'count'];
export const JSON_COLUMNS = ['data', 'meta', 'capped'];
const ODD_FIELDS = fc.constantFrom('id', 'version', 'nope', 'toString', '__proto__', '_nc_lease');

/** A path into a JSON column (the common case), one segment into a scalar column, or odd fields. */
export const path: fc.Arbitrary<string[]> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...JSON_COLUMNS), fc.array(segment, { maxLength: 2 }))
      .map(([c, rest]) => [c, ...rest]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...JSON_COLUMNS), fc.array(segment, { minLength: 3, maxLength: 5 }))
      .map(([c, rest]) => [c, ...rest]),
  },
  { weight: 3, arbitrary: fc.constantFrom(...SCALAR_COLUMNS).map((c) => [c]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SCALAR_COLUMNS), segment).map(([c, s]) => [c, s]) },
  { weight: 1, arbitrary: fc.tuple(ODD_FIELDS, fc.array(segment, { maxLength: 1 })).map(([c, rest]) => [c, ...rest]) },
);

const scalarForColumn = fc.oneof(string, number, fc.boolean(), fc.constant(null));

/** A value for a column: mostly of its kind, sometimes not. */
export const valueFor = (c: string): fc.Arbitrary<unknown> => {
  const right = c === 'title' ? string : c === 'n' ? number : c === 'count' ? fc.integer({ min: -3, max: 3 }) : json;
  return fc.oneof(
    { weight: 8, arbitrary: right },
    { weight: 1, arbitrary: scalarForColumn },
    { weight: 1, arbitrary: json },
  );
};

/** A value for a whole row (create / replace): the columns, sometimes a field that is not one. */
export const rowValue: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      title: fc.oneof({ weight: 30, arbitrary: string }, { weight: 1, arbitrary: scalarForColumn }),
      n: fc.oneof({ weight: 30, arbitrary: number }, { weight: 1, arbitrary: scalarForColumn }),
      count: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: -3, max: 3 }) }, { weight: 1, arbitrary: number }),
      data: fc.oneof({ weight: 12, arbitrary: document }, { weight: 1, arbitrary: json }),
      meta: fc.oneof({ weight: 6, arbitrary: document }, { weight: 1, arbitrary: json }),
      capped: fc.oneof(
        { weight: 16, arbitrary: fc.dictionary(fc.constantFrom(...COMMON), scalar, { maxKeys: 2 }) },
        { weight: 2, arbitrary: object },
        { weight: 1, arbitrary: fc.constant({ big: 'y'.repeat(250) }) },
      ),
    },
    { requiredKeys: [] },
  )
  .chain((v) => fc.nat({ max: 30 }).chain((n) => (n > 0 ? fc.constant(v) : scalar.map((nope) => ({ ...v, nope })))));
