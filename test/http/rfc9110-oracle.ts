import fc from 'fast-check';
import { formatETag, formatHttpDate } from 'noclobber/http';

// The oracle of the RFC 9110 §13.2.2 tests (rfc9110-preconditions.test.ts): the RFC's
// algorithm written out plainly, plus the two rules §13.2.1 leaves to the resource:
// GET / HEAD of a missing record is 404 whatever it carries; an unsafe method on a
// missing record is 412 under `If-Match: *` (§13.1.1), 404 under an If-Match tag list
// (the method fails before a tag can be compared), creates under a PUT with
// `If-None-Match: *`, and is otherwise 404.

export const BASE = 1_800_000_000; // seconds; version k was last modified at BASE + 10k

type Method = 'GET' | 'HEAD' | 'PUT' | 'PATCH' | 'DELETE';
type IfMatch =
  | 'absent'
  | '*'
  | 'current'
  | 'stale'
  | 'list-current'
  | 'list-stale'
  | 'weak-current'
  | 'foreign-current';
type IfNoneMatch = 'absent' | '*' | 'current' | 'stale' | 'weak-current' | 'list-current' | 'foreign-current';
type DateChoice = 'absent' | 'before' | 'equal' | 'after' | 'invalid';
export interface Row13 {
  method: Method;
  exists: boolean;
  version: number;
  im: IfMatch;
  inm: IfNoneMatch;
  ius: DateChoice;
  ims: DateChoice;
}

/** §13.2.2 as the RFC lists it. */
export function oracle(r: Row13): number {
  const unsafe = r.method !== 'GET' && r.method !== 'HEAD';
  const lm = BASE + 10 * r.version;
  const date = (d: DateChoice) => (d === 'before' ? lm - 10 : d === 'equal' ? lm : lm + 10);
  const holds = (d: DateChoice) => lm <= date(d); // last modified at or before the date
  const valid = (d: DateChoice) => d !== 'absent' && d !== 'invalid';
  if (unsafe && r.im === 'absent' && r.inm === 'absent' && !valid(r.ius)) return 428;
  if (!r.exists) {
    if (!unsafe) return 404;
    if (r.im !== 'absent') return r.im === '*' ? 412 : 404;
    return r.method === 'PUT' && r.inm === '*' ? 201 : 404;
  }
  if (r.im !== 'absent') {
    if (!['*', 'current', 'list-current'].includes(r.im)) return 412; // step 1
  } else if (valid(r.ius) && !holds(r.ius)) return 412; // step 2
  if (r.inm !== 'absent') {
    if (['*', 'current', 'weak-current', 'list-current'].includes(r.inm)) return unsafe ? 412 : 304; // step 3
  } else if (!unsafe && valid(r.ims) && holds(r.ims)) return 304; // step 4
  return r.method === 'DELETE' ? 204 : 200; // step 6
}

/** The request headers of row `r` for record `id`: validators and dates derived from its version. */
export function headers(id: string, r: Row13): Record<string, string> {
  const rid = `subscriptions/${id}`;
  const tag = (v: number) => formatETag(rid, String(v));
  const cur = tag(r.version);
  const stale = tag(r.version + 1);
  const foreign = formatETag(`subscriptions/other-${id}`, String(r.version));
  const out: Record<string, string> = {};
  const im: Record<IfMatch, string | undefined> = {
    absent: undefined,
    '*': '*',
    current: cur,
    stale,
    'list-current': `${stale}, ${cur}`,
    'list-stale': `${stale}, ${tag(r.version + 2)}`,
    'weak-current': `W/${cur}`,
    'foreign-current': foreign,
  };
  const inm: Record<IfNoneMatch, string | undefined> = {
    absent: undefined,
    '*': '*',
    current: cur,
    stale,
    'weak-current': `W/${cur}`,
    'list-current': `${stale}, ${cur}`,
    'foreign-current': foreign,
  };
  const lm = BASE + 10 * r.version;
  const date = (d: DateChoice) =>
    d === 'absent'
      ? undefined
      : d === 'invalid'
        ? 'yesterday at noon'
        : formatHttpDate(d === 'before' ? lm - 10 : d === 'equal' ? lm : lm + 10);
  const set = (name: string, v: string | undefined) => {
    if (v !== undefined) out[name] = v;
  };
  set('if-match', im[r.im]);
  set('if-none-match', inm[r.inm]);
  set('if-unmodified-since', date(r.ius));
  set('if-modified-since', date(r.ims));
  if (r.method === 'PUT') out['content-type'] = 'application/json';
  if (r.method === 'PATCH') out['content-type'] = 'application/merge-patch+json';
  return out;
}

/** Every row of the §13.2.2 table: method, record state, and each precondition header's choice. */
export const rows = fc.record<Row13>({
  method: fc.constantFrom('GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'),
  exists: fc.boolean(),
  version: fc.integer({ min: 1, max: 3 }),
  im: fc.constantFrom(
    'absent',
    '*',
    'current',
    'stale',
    'list-current',
    'list-stale',
    'weak-current',
    'foreign-current',
  ),
  inm: fc.constantFrom('absent', '*', 'current', 'stale', 'weak-current', 'list-current', 'foreign-current'),
  ius: fc.constantFrom('absent', 'before', 'equal', 'after', 'invalid'),
  ims: fc.constantFrom('absent', 'before', 'equal', 'after', 'invalid'),
});
