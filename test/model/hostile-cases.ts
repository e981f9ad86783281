import { type Collection, field, inc, type Row, set } from 'noclobber';

const nest = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { k: v };
  return v;
};

export interface HostileCase {
  readonly name: string;
  readonly initial: Row;
  readonly write: (docs: Collection<Row>, id: string, version: string) => Promise<unknown>;
  /** The value after a successful write, or the error expected. */
  readonly expected: { value: Row } | { error: Record<string, unknown> };
  /** Stores the case applies to (default: all). */
  readonly stores?: (name: string) => boolean;
}

const typed = (name: string) => name !== 'dynamodb';
/** The PostgreSQL store, through `pg` or through Prisma (the same statements). */
const onPostgres = (name: string) => name === 'postgres' || name === 'prisma';

/**
 * The classes the differential run found, one regression case each, on every store: each
 * asserts the outcome the reference gives (and that a refused write left the record as it
 * was). `test/model/model.test.ts` generates many more of each kind.
 */
export const HOSTILE_CASES: readonly HostileCase[] = [
  // Paths are own properties only.
  {
    name: 'exists on an Object.prototype name is false (data.__defineGetter__)',
    initial: { data: {} },
    write: (d, id) =>
      d.apply(id, [set('title', 'x')], { expect: { where: [field(['data', '__defineGetter__']).exists()] } }),
    expected: { error: { code: 'guard_failed' } },
  },
  {
    name: 'absent on data.toString holds',
    initial: { data: { a: 1 } },
    write: (d, id) => d.apply(id, [set('title', 'x')], { expect: { where: [field(['data', 'toString']).absent()] } }),
    expected: { value: { title: 'x', data: { a: 1 } } },
  },
  {
    name: 'inc of data.hasOwnProperty counts from 0',
    initial: { data: {} },
    write: (d, id) => d.apply(id, [inc(['data', 'hasOwnProperty'], 2), set(['data', 'valueOf'], 'v')]),
    expected: { value: { data: { hasOwnProperty: 2, valueOf: 'v' } } },
  },
  {
    name: 'a top-level Object.prototype name is an ordinary missing field',
    initial: { title: 't' },
    write: (d, id) =>
      d.apply(id, [set('title', 'y')], {
        expect: { where: [field('valueOf').eq(null), field('isPrototypeOf').absent()] },
      }),
    expected: { value: { title: 'y' } },
  },
  // Numbers.
  {
    name: 'inc overflowing to Infinity is out_of_range, nothing written',
    initial: { n: Number.MAX_VALUE, data: { x: Number.MAX_VALUE } },
    write: (d, id) => d.apply(id, [inc('n', Number.MAX_VALUE)]),
    expected: { error: { code: 'invalid_change', reason: 'out_of_range' } },
    stores: typed,
  },
  {
    name: 'inc of a JSON number overflowing to Infinity is out_of_range',
    initial: { data: { x: -Number.MAX_VALUE } },
    write: (d, id) => d.apply(id, [inc('data.x', -Number.MAX_VALUE)]),
    expected: { error: { code: 'invalid_change', reason: 'out_of_range' } },
    stores: typed,
  },
  {
    name: 'DynamoDB: inc past 9.99e125 is out_of_range, nothing written',
    initial: { n: 9e125, data: { x: -9e125 } },
    write: (d, id) => d.apply(id, [inc('n', 5e125), inc('data.x', -5e125)]),
    expected: { error: { code: 'invalid_change', reason: 'out_of_range' } },
    stores: (name) => name === 'dynamodb',
  },
  {
    name: 'DynamoDB: numbers outside its range in values are out_of_range before anything is sent',
    initial: {},
    write: (d, id) => d.apply(id, [set('n', 1e200), set('data.x', 1e-200)]),
    expected: { error: { code: 'invalid_change', reason: 'out_of_range' } },
    stores: (name) => name === 'dynamodb',
  },
  {
    name: 'DynamoDB: a value nested past its 32 levels is too_deep',
    initial: {},
    write: (d, id) => d.apply(id, [set('data', nest(31) as never), set('meta', nest(32) as never)]),
    expected: { error: { code: 'invalid_change', reason: 'too_deep' } },
    stores: (name) => name === 'dynamodb',
  },
  {
    name: 'DynamoDB: a value 32 levels deep is written',
    initial: {},
    write: (d, id) => d.apply(id, [set('data', nest(31) as never)]),
    expected: { value: { data: nest(31) as Row } },
    stores: (name) => name === 'dynamodb',
  },
  {
    name: 'a BigInt value is a typed error, never a TypeError',
    initial: {},
    write: (d, id) => d.apply(id, [{ op: 'set', path: 'n', value: 10n as never }]),
    expected: { error: { code: 'invalid_change', reason: 'not_json' } },
  },
  {
    name: 'a BigInt anywhere in an op is a typed error',
    initial: {},
    write: (d, id) => d.apply(id, [{ op: 'inc', path: 'n', by: 1, junk: 1n } as never]),
    expected: { value: { n: 1 } },
  },
  {
    name: 'an integer beyond 2^53 into an integer column is refused',
    initial: { count: 1 },
    write: (d, id) => d.apply(id, [set('count', 2 ** 53 + 2)]),
    expected: { error: { code: 'invalid_change', reason: 'out_of_range' } },
    stores: typed,
  },
  {
    name: 'inc of an integer column past 2^53 is refused',
    initial: { count: 2 ** 53 - 2 },
    write: (d, id) => d.apply(id, [inc('count', 4)]),
    expected: { error: { code: 'invalid_change', reason: 'out_of_range' } },
    stores: (name) => typed(name) && !onPostgres(name),
  },
  {
    name: 'PostgreSQL: inc of an int4 column past 2^31 − 1 is out_of_range, not a raw 22003',
    initial: { count: 2 ** 31 - 2 },
    write: (d, id) => d.apply(id, [inc('count', 4)]),
    expected: { error: { code: 'invalid_change', reason: 'out_of_range' } },
    stores: onPostgres,
  },
  // Versions are canonical.
  {
    name: '"01" never matches version 1',
    initial: {},
    write: (d, id) => d.apply(id, [set('title', 'x')], { expect: { version: '01' } }),
    expected: { error: { code: 'conflict', reason: 'stale' } },
  },
  {
    name: '"1.0" never matches version 1 (replace)',
    initial: {},
    write: (d, id) => d.replace(id, { id, title: 'x' }, { expect: { version: '1.0' } }),
    expected: { error: { code: 'conflict', reason: 'stale' } },
  },
  {
    name: 'a non-numeric version on replace is stale',
    initial: {},
    write: (d, id) => d.replace(id, { id, title: 'x' }, { expect: { version: 'abc' } }),
    expected: { error: { code: 'conflict', reason: 'stale' } },
  },
  // Depth.
  {
    name: 'a value nested 100 000 deep is too_deep, never a RangeError',
    initial: {},
    write: (d, id) => d.apply(id, [set('data', nest(100_000) as never)]),
    expected: { error: { code: 'invalid_change', reason: 'too_deep' } },
  },
  {
    name: 'a value nested past 64 levels is too_deep',
    initial: {},
    write: (d, id) => d.apply(id, [set('data', nest(64) as never)]),
    expected: { error: { code: 'invalid_change', reason: 'too_deep' } },
  },
  {
    name: 'a replace nested past the limit is too_deep',
    initial: {},
    write: (d, id) => d.replace(id, { id, meta: nest(70) }, { expect: { exists: true } }),
    expected: { error: { code: 'invalid_change', reason: 'too_deep' } },
  },
  // Failure order: exists → gone → stale → guards → type/bounds → caps.
  {
    name: 'a text column given a number on a stale version is stale, not type_mismatch',
    initial: {},
    write: (d, id) => d.apply(id, [set('title', 5)], { expect: { version: '9' } }),
    expected: { error: { code: 'conflict', reason: 'stale' } },
  },
  {
    name: 'a text column given a number behind a false guard is guard_failed',
    initial: { title: 'a' },
    write: (d, id) => d.apply(id, [set('title', 5)], { expect: { where: [field('title').eq('b')] } }),
    expected: { error: { code: 'guard_failed' } },
  },
  {
    name: 'a text column given a number is type_mismatch',
    initial: { title: 'a' },
    write: (d, id) => d.apply(id, [set('title', 5)]),
    expected: { error: { code: 'invalid_change', reason: 'type_mismatch' } },
    stores: typed,
  },
  {
    name: 'an object into a scalar column on a stale version is stale',
    initial: {},
    write: (d, id) => d.apply(id, [set('title', { a: 1 })], { expect: { version: '3' } }),
    expected: { error: { code: 'conflict', reason: 'stale' } },
  },
  {
    name: 'a replace over its byte cap at a stale version is stale, not too_large',
    initial: {},
    write: (d, id) => d.replace(id, { id, capped: { x: 'y'.repeat(400) } }, { expect: { version: '5' } }),
    expected: { error: { code: 'conflict', reason: 'stale' } },
  },
  {
    name: 'a replace over its byte cap behind a false guard is guard_failed',
    initial: { title: 'a' },
    write: (d, id) =>
      d.replace(
        id,
        { id, capped: { x: 'y'.repeat(400) } },
        { expect: { exists: true, where: [field('title').eq('b')] } },
      ),
    expected: { error: { code: 'guard_failed' } },
  },
  {
    name: 'tiny floats count as what each store stores (a replace within its cap is written)',
    initial: {},
    write: (d, id) => d.replace(id, { id, capped: { x: 1e-300 } }, { expect: { exists: true } }),
    expected: { value: { capped: { x: 1e-300 } } },
    stores: (name) => !onPostgres(name) && name !== 'dynamodb',
  },
  {
    name: 'PostgreSQL measures 1e-300 as jsonb prints it (0.000…1): over the cap, after guards',
    initial: {},
    write: (d, id) => d.replace(id, { id, capped: { x: 1e-300 } }, { expect: { exists: true } }),
    expected: { error: { code: 'too_large', what: 'field', field: 'capped' } },
    stores: onPostgres,
  },
  // Guards every store must evaluate, never refuse.
  {
    name: 'in([]) on a JSON path is false: GuardError',
    initial: { data: { a: 1 } },
    write: (d, id) => d.apply(id, [set('title', 'x')], { expect: { where: [field('data.a').in([])] } }),
    expected: { error: { code: 'guard_failed' } },
  },
  {
    name: 'a checked delete with in([]) is GuardError with nothing deleted',
    initial: { data: { a: 1 } },
    write: (d, id) => d.delete(id, { expect: { where: [field('data.a').in([])] } }),
    expected: { error: { code: 'guard_failed' } },
  },
  {
    name: 'an integer column compared with 1.5 and 2^53 − 1',
    initial: { count: 1 },
    write: (d, id) =>
      d.apply(id, [set('title', 'x')], {
        expect: { where: [field('count').lt(1.5), field('count').lte(2 ** 53 - 1), field('count').ne(1.5)] },
      }),
    expected: { value: { title: 'x', count: 1 } },
  },
  {
    name: 'a guard on the version field reads null: exists is false',
    initial: {},
    write: (d, id) => d.apply(id, [set('title', 'x')], { expect: { where: [field('version').exists()] } }),
    expected: { error: { code: 'guard_failed' } },
  },
  {
    name: 'a guard on the version field reads null: lte 100 is false',
    initial: {},
    write: (d, id) => d.apply(id, [set('title', 'x')], { expect: { where: [field('version').lte(100)] } }),
    expected: { error: { code: 'guard_failed' } },
  },
  {
    name: 'a guard on the version field reads null: absent holds',
    initial: {},
    write: (d, id) => d.apply(id, [set('title', 'x')], { expect: { where: [field('version').absent()] } }),
    expected: { value: { title: 'x' } },
  },
  {
    name: 'a guard path into the key reads null',
    initial: {},
    write: (d, id) =>
      d.apply(id, [set('title', 'x')], { expect: { where: [field(['id', 'x']).absent(), field(['id', 'x']).ne(1)] } }),
    expected: { value: { title: 'x' } },
  },
  {
    name: 'guard operands beyond what DynamoDB can hold still compare',
    initial: { n: 5, data: { t: 1e-100 } },
    write: (d, id) =>
      d.apply(id, [set('title', 'x')], {
        expect: {
          where: [
            field('n').lt(1e200),
            field('n').gt(-1e300),
            field('n').gt(1e-200),
            field('data.t').gt(1e-300),
            field('n').ne(1e300),
            field('n').in([1e300, 5]),
          ],
        },
      }),
    expected: { value: { title: 'x', n: 5, data: { t: 1e-100 } } },
  },
  {
    name: 'inc of a stored tiny number by 1 (DynamoDB cannot add it in 38 digits) is JavaScript’s sum',
    initial: { n: 1e-100 },
    write: (d, id) => d.apply(id, [inc('n', 1)]),
    expected: { value: { n: 1 } },
  },
];
