import fc from 'fast-check';
import type { Command, ExpectSpec, VersionPick } from './model-reference.js';
import {
  ACCEPTED,
  item,
  JSON_COLUMNS,
  number,
  object,
  path,
  rowValue,
  SCALAR_COLUMNS,
  scalar,
  segment,
  string,
  valueFor,
} from './model-values.js';

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
  // Deletes and creates often enough that runs delete a key and create it again.
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
