import { ConflictError, isConflictError } from '../core/errors/conflict-error.js';
import type { NoclobberError } from '../core/errors/noclobber-error.js';
import { TransientError } from '../core/errors/transient-error.js';
import type { Expect } from '../core/expect.js';
import type { Op } from '../core/ops.js';
import type { Key, Row, Snapshot } from '../core/types.js';
import { evaluatePreconditions, type PreconditionOutcome, type RepresentationState } from './evaluate-preconditions.js';
import { PreconditionError } from './precondition-error.js';
import type { RequestConditions } from './preconditions.js';
import type { ResourceView } from './resource-view.js';

/** What an unsafe request asks to write. */
export type WriteIntent =
  /** A whole-record PUT: a replace, or a create under `If-None-Match: *`. */
  | { readonly kind: 'put'; readonly value: Row }
  /** A PATCH, or the PUT of a sub-document (its fields set, nothing else touched). */
  | { readonly kind: 'ops'; readonly ops: readonly Op[] }
  | { readonly kind: 'delete' };

/**
 * What a write goes through: the collection itself (one autocommit write), or a transaction
 * on it (`Tx`) when something must commit with the write — an audit entry, an
 * Idempotency-Key's stored response. Both `Collection` and `Tx` are one.
 */
export interface WriteTarget<T extends object> {
  get(key: Key): Promise<Snapshot<T> | undefined>;
  apply(key: Key, ops: readonly Op[], options: { expect: Expect; returnPrevious?: boolean }): Promise<Snapshot<T>>;
  replace(key: Key, value: T, options: { expect: Expect; returnPrevious?: boolean }): Promise<Snapshot<T>>;
  create(key: Key, value: T): Promise<Snapshot<T>>;
  delete(key: Key, options: { expect: Expect }): Promise<Snapshot<T>>;
}

/** One conditional write as the HTTP layer hands it over. */
export interface WriteRequest<T extends object> {
  readonly target: WriteTarget<T>;
  readonly key: Key;
  readonly method: string;
  readonly intent: WriteIntent;
  readonly conditions: RequestConditions;
  /** The version the body carried (a stale one is 409, not 412). */
  readonly bodyVersion?: string | undefined;
  /** An authorized `?force=true`: preconditions are not judged. */
  readonly force: boolean;
  readonly view: ResourceView<T>;
}

/** What was written. */
export interface Written<T> {
  readonly snapshot: Snapshot<T>;
  readonly created: boolean;
}

/** A refusal: the error, the status it answers with, and the record it was judged against. */
export class Refusal {
  constructor(
    readonly error: NoclobberError,
    readonly status: number,
    readonly current?: Snapshot<unknown>,
  ) {}
}

/** How often a write pinned to a version it read is tried again when the record moved under it. */
const PINNED_ATTEMPTS = 8;

const busy = () =>
  new Refusal(
    new TransientError('The record kept changing while the preconditions were judged; send the request again', {
      reason: 'busy',
    }),
    503,
  );
const gone = (key: Key) => new Refusal(new ConflictError('The record does not exist', { reason: 'gone', key }), 404);

/**
 * The refusal (412) for preconditions that evaluated to false against `snap`: a stale
 * `If-Match` is a `ConflictError` (stale), a weak or foreign one names why it can never
 * match, an existing record under `If-None-Match: *` is `exists`, anything else `failed`.
 * @example
 * ```ts
 * throw failedRefusal(outcome, conditions, key, snap, state);
 * ```
 */
export function failedRefusal(
  o: Extract<PreconditionOutcome, { outcome: 'failed' }>,
  conditions: RequestConditions,
  key: Key,
  snap?: Snapshot<object>,
  state?: RepresentationState,
): Refusal {
  const current = snap ? { current: snap } : {};
  if (o.step === 'if-match') {
    if (!snap)
      return new Refusal(
        new PreconditionError('If-Match: * is false: the record does not exist', { reason: 'failed' }),
        412,
      );
    if (o.unmatched) {
      const message =
        o.unmatched === 'weak'
          ? 'Weak entity-tags never match If-Match (strong comparison)'
          : 'The entity-tag belongs to another resource';
      return new Refusal(new PreconditionError(message, { reason: o.unmatched, ...current }), 412, snap);
    }
    const named = conditions.ifMatch && !conditions.ifMatch.any ? conditions.ifMatch.versions : [];
    const stale = new ConflictError(`The record is at version ${state?.validator}, not one If-Match names`, {
      reason: 'stale',
      key,
      ...(named.length === 1 ? { expected: named[0] as string } : {}),
      ...(state ? { actual: state.validator } : {}),
      current: snap,
    });
    return new Refusal(stale, 412, snap);
  }
  if (o.step === 'if-none-match' && conditions.ifNoneMatch?.any && snap) {
    const found = new ConflictError('The record already exists', {
      reason: 'exists',
      key,
      ...(state ? { actual: state.validator } : {}),
      current: snap,
    });
    return new Refusal(found, 412, snap);
  }
  const message =
    o.step === 'if-none-match'
      ? 'The record is at a version If-None-Match names'
      : 'The record was modified after If-Unmodified-Since';
  return new Refusal(new PreconditionError(message, { reason: 'failed', ...current }), 412, snap);
}

function perform<T extends object>(w: WriteRequest<T>, expect: Expect): Promise<Snapshot<T>> {
  const c = w.target;
  // A forced write reports the version it replaced (the audit entry names it).
  const returnPrevious = w.force;
  if (w.intent.kind === 'delete') return c.delete(w.key, { expect });
  if (w.intent.kind === 'put') return c.replace(w.key, w.intent.value as T, { expect, returnPrevious });
  return c.apply(w.key, w.intent.ops, { expect, returnPrevious });
}

/** Creates the record, or reports the one that exists (`If-None-Match: *` is then false: 412). */
async function create<T extends object>(w: WriteRequest<T>): Promise<Written<T> | { readonly exists: Refusal }> {
  try {
    return { snapshot: await w.target.create(w.key, (w.intent as { value: Row }).value as T), created: true };
  } catch (e) {
    if (isConflictError(e) && e.reason === 'exists') return { exists: new Refusal(e, 412, e.current) };
    throw e;
  }
}

/** True when the write can carry the preconditions as its own expectation, without a read. */
function expressible<T extends object>(w: WriteRequest<T>): boolean {
  const c = w.conditions;
  if (!w.view.versionIsValidator || c.ifUnmodifiedSince !== undefined) return false;
  if (c.ifMatch && !c.ifMatch.any && c.ifMatch.versions.length === 0) return false;
  return c.ifNoneMatch === undefined || (c.ifNoneMatch.any === true && !c.ifMatch && w.intent.kind === 'put');
}

/**
 * The preconditions as the write's own expectation: `version ∈ {…}` is tried as
 * `{ version: v }` for a named v, and again for the version the store reports whenever
 * that one is also named, so the write happens only while the record is at a version the
 * request accepts — atomic without any read. A retry happens only because the record
 * moved to a named version; versions never come back, so there are at most as many
 * retries as named versions (the cap only guards against a store that reuses them).
 */
async function expectedWrite<T extends object>(w: WriteRequest<T>): Promise<Written<T>> {
  const c = w.conditions;
  if (c.ifNoneMatch?.any) {
    const made = await create(w);
    if ('snapshot' in made) return made;
    throw made.exists;
  }
  const named = c.ifMatch && !c.ifMatch.any ? c.ifMatch.versions : undefined;
  const candidates = w.bodyVersion !== undefined ? [w.bodyVersion] : named;
  const fromBody = w.bodyVersion !== undefined && !named;
  let next = candidates?.at(-1);
  for (let attempt = 0; ; attempt++) {
    try {
      return { snapshot: await perform(w, next === undefined ? { exists: true } : { version: next }), created: false };
    } catch (e) {
      if (!isConflictError(e)) throw e;
      if (e.reason === 'gone') {
        if (c.ifMatch?.any)
          throw new Refusal(
            new PreconditionError('If-Match: * is false: the record does not exist', { reason: 'failed' }),
            412,
          );
        throw new Refusal(e, 404);
      }
      if (e.reason !== 'stale') throw e;
      const actual = e.actual;
      if (candidates && actual !== undefined && actual !== next && candidates.includes(actual)) {
        if (attempt > candidates.length + 1) throw busy();
        next = actual;
        continue;
      }
      throw new Refusal(e, fromBody ? 409 : 412, e.current);
    }
  }
}

/**
 * Preconditions no single expectation can carry (tag lists in If-None-Match, dates, a
 * sub-document's content validator, tags that can never match): read the record, judge
 * the preconditions by RFC 9110 §13.2.2 against it, and write pinned to the version read
 * (`{ version }`), so the state judged is the state written over. If the record moved in
 * between, judge again, a bounded number of times.
 */
async function pinnedWrite<T extends object>(w: WriteRequest<T>): Promise<Written<T>> {
  const c = w.conditions;
  for (let attempt = 0; attempt < PINNED_ATTEMPTS; attempt++) {
    const snap = await w.target.get(w.key);
    const state = snap && (await w.view.state(snap));
    const o = evaluatePreconditions(c, state, w.method);
    if (o.outcome === 'failed') throw failedRefusal(o, c, w.key, snap, state);
    if (!snap || !state) {
      if (o.outcome !== 'proceed' || !(c.ifNoneMatch?.any && w.intent.kind === 'put')) throw gone(w.key);
      const made = await create(w);
      if ('snapshot' in made) return made;
      continue;
    }
    if (w.bodyVersion !== undefined && w.bodyVersion !== state.validator) {
      const stale = new ConflictError(`The record is at version ${state.validator}, not ${w.bodyVersion}`, {
        reason: 'stale',
        key: w.key,
        expected: w.bodyVersion,
        actual: state.validator,
        current: snap,
      });
      throw new Refusal(stale, 409, snap);
    }
    try {
      return { snapshot: await perform(w, { version: snap.version }), created: false };
    } catch (e) {
      if (!isConflictError(e) || (e.reason !== 'stale' && e.reason !== 'gone')) throw e;
    }
  }
  throw busy();
}

/** An authorized forced write: no precondition judged; create-only still creates only. */
async function forcedWrite<T extends object>(w: WriteRequest<T>): Promise<Written<T>> {
  if (w.intent.kind === 'put' && w.conditions.ifNoneMatch?.any) {
    const made = await create(w);
    if ('snapshot' in made) return made;
    throw made.exists;
  }
  try {
    return { snapshot: await perform(w, { exists: true }), created: false };
  } catch (e) {
    if (isConflictError(e) && e.reason === 'gone') throw new Refusal(e, 404);
    throw e;
  }
}

/**
 * Makes one conditional write for an HTTP request, its preconditions judged as RFC 9110
 * §13.2.2 orders them and atomically with the write: either carried as the write's own
 * expectation, or judged on a read and the write pinned to the version read. Throws a
 * {@link Refusal} (404, 409, 412, 503) when nothing was written for a reason the request
 * or the record's state explains.
 * @example
 * ```ts
 * const { snapshot } = await conditionalWrite({ target: collection, key, method: 'PATCH', intent, conditions, force: false, view });
 * ```
 */
export function conditionalWrite<T extends object>(w: WriteRequest<T>): Promise<Written<T>> {
  if (w.force) return forcedWrite(w);
  return expressible(w) ? expectedWrite(w) : pinnedWrite(w);
}
