import fc from 'fast-check';
import { keyProblem } from 'noclobber/store';
import { HOSTILE_NUMBERS, HOSTILE_SEGMENTS, HOSTILE_STRINGS } from './hostile.js';
import type { Command, ExpectSpec, VersionPick } from './model-reference.js';

/**
 * A few plain keys, so generated ops and guards often meet on the same paths; rows are
 * created with `a` a number, `b` a string, `x` an array and `o` an object under each JSON column.
 */
const COMMON = ['a', 'b', 'x', 'o'];

const ACCEPTED = HOSTILE_SEGMENTS.filter((s) => keyProblem(s) === undefined);
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

const number: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

const string: fc.Arbitrary<string> = fc.oneof(
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
const item: fc.Arbitrary<string | number | boolean> = fc.oneof(fc.boolean(), number, string);

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

const object: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
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
const SCALAR_COLUMNS = ['title', 'n', 'count'];
const JSON_COLUMNS = ['data', 'meta', 'capped'];
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
const valueFor = (c: string): fc.Arbitrary<unknown> => {
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

const bound = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -6, max: 6 }) }, { weight: 1, arbitrary: number });
const bounds = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  {
    weight: 3,
    arbitrary: fc
      .record({ min: bound, max: bound }, { requiredKeys: [] })
      .map((b) => (b.min !== undefined && b.max !== undefined && b.min > b.max ? { min: b.max, max: b.min } : b)),
  },
  { weight: 1, arbitrary: fc.record({ min: bound, max: bound }) },
);

/** An op, as it would arrive over HTTP (paths as arrays; sometimes malformed). */
const rootMerge = fc
  .dictionary(fc.constantFrom(...SCALAR_COLUMNS, ...JSON_COLUMNS), fc.constant(0), { maxKeys: 3 })
  .chain((shape) =>
    fc.record(
      Object.fromEntries(
        Object.keys(shape).map((c) => [
          c,
          fc.oneof({ weight: 4, arbitrary: valueFor(c) }, { weight: 1, arbitrary: fc.constant(null) }),
        ]),
      ),
    ),
  );
/** A path into a JSON column ending at `last` (the key typed for the op), or at a new hostile key. */
const jsonPathTo = (last: string): fc.Arbitrary<string[]> =>
  fc
    .tuple(
      fc.constantFrom(...JSON_COLUMNS),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant([last]) },
        { weight: 2, arbitrary: fc.tuple(fc.constantFrom('o', ...ACCEPTED), segment).map((t) => t) },
      ),
    )
    .map(([c, rest]) => [c, ...rest]);
const incPath = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(['n'], ['count']) },
  { weight: 4, arbitrary: jsonPathTo('a') },
  { weight: 1, arbitrary: path },
);
const setPath = fc.oneof({ weight: 3, arbitrary: path }, { weight: 2, arbitrary: jsonPathTo('o') });
const mergePath = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...JSON_COLUMNS).map((c) => [c]) },
  { weight: 3, arbitrary: jsonPathTo('o') },
  { weight: 1, arbitrary: path },
);
const setOpPath = fc.oneof({ weight: 5, arbitrary: jsonPathTo('x') }, { weight: 1, arbitrary: path });
const incBy = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) }, { weight: 2, arbitrary: number });

export const op: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: setPath.chain((p) =>
      valueFor(p.length === 1 ? (p[0] as string) : 'data').map((value) => ({ op: 'set', path: p, value })),
    ),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unset'), path }) },
  { weight: 3, arbitrary: fc.tuple(incPath, incBy, bounds).map(([p, by, b]) => ({ op: 'inc', path: p, by, ...b })) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('merge'), path: mergePath, value: object }) },
  { weight: 1, arbitrary: rootMerge.map((value) => ({ op: 'merge', path: [], value })) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('add', 'remove'), path: setOpPath, value: item }) },
  {
    weight: 1,
    arbitrary: fc
      .nat({ max: 2 })
      .chain((n) =>
        n > 0
          ? fc.constant({ op: 'unset', path: ['meta', 'x'] })
          : fc.constantFrom<unknown>(
              { op: 'set', path: 5, value: 1 },
              { op: 'drop', path: 'title' },
              { op: 'inc', path: 'n', by: '1' },
              null,
            ),
      ),
  },
);

/** A guard: every operator, on columns, JSON paths, the version, paths into the key, prototype names. */
export const guard: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ path, op: fc.constantFrom('eq', 'ne'), value: scalar }) },
  {
    weight: 3,
    arbitrary: fc.record({ path, op: fc.constantFrom('lt', 'lte', 'gt', 'gte'), value: fc.oneof(number, string) }),
  },
  { weight: 2, arbitrary: fc.record({ path, op: fc.constant('in'), value: fc.array(scalar, { maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ path, op: fc.constantFrom('exists', 'absent') }) },
  {
    weight: 1,
    arbitrary: fc.record({
      path: fc.constantFrom(['version'], ['id', 'x'], ['id']),
      op: fc.constantFrom('exists', 'absent', 'lte', 'eq'),
      value: fc.constant(100),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      { path: 'title', op: 'lt', value: true },
      { path: 'title', op: 'like', value: 'x' },
      { path: 'title', op: 'in', value: [{}] },
    ),
  },
);

const versionPick: fc.Arbitrary<VersionPick> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<VersionPick>('current') },
  { weight: 3, arbitrary: fc.constantFrom<VersionPick>('next', 'previous') },
  // The last version of the key's previous incarnation: an old tab's version after a delete and a create.
  { weight: 2, arbitrary: fc.constant<VersionPick>('buried') },
  { weight: 2, arbitrary: fc.constantFrom<VersionPick>('0', '01', '1.0', 'abc', ' 1', '1e0') },
);

const expectSpec: fc.Arbitrary<ExpectSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ where: fc.array(guard, { minLength: 1, maxLength: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ version: versionPick }) },
  { weight: 3, arbitrary: fc.record({ version: versionPick, where: fc.array(guard, { minLength: 1, maxLength: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ exists: fc.constant(true as const) }, { requiredKeys: [] }) },
  { weight: 2, arbitrary: fc.record({ exists: fc.constant(true as const), where: fc.array(guard, { maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.constantFrom<ExpectSpec>({ extra: { absent: true } }, { extra: { absnet: true } }) },
);

const key = fc.nat({ max: 1 });

/** One generated write. */
export const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('apply' as const),
      key,
      ops: fc.array(op, { minLength: 1, maxLength: 3 }),
      expect: fc.option(expectSpec, { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), key, value: rowValue, expect: expectSpec }),
  },
  // Deletes and creates often enough that runs delete a key and create it again (issue 14).
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), key, value: rowValue }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      key,
      expect: fc.option(expectSpec, { nil: undefined }),
    }),
  },
);

/** A run: both keys created from generated rows, then up to six writes. */
export const scenario: fc.Arbitrary<{ rows: [Record<string, unknown>, Record<string, unknown>]; commands: Command[] }> =
  fc.record({
    rows: fc.tuple(rowValue, rowValue),
    commands: fc.array(command, { minLength: 1, maxLength: 6 }),
  });
