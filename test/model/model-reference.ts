import { type Collection, ConflictError, type Expect, isNoclobberError, type Op, type Row } from 'noclobber';
import {
  checkChange,
  explainFailure,
  normalizeExpect,
  prepareOps,
  prepareValue,
  type StoreSchema,
  type WriteCommand,
} from 'noclobber/store';

/** How a command names the version it expects, resolved against the record when it runs. */
export type VersionPick = 'current' | 'next' | 'previous' | 'buried' | '0' | '01' | '1.0' | 'abc' | ' 1' | '1e0';

/** An expectation as generated: a version pick instead of a version string. */
export interface ExpectSpec {
  readonly version?: VersionPick;
  readonly exists?: true;
  readonly where?: readonly unknown[];
  /** Raw extra members (an unknown expectation must be refused). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** One generated write. `key` indexes the run's keys. */
export type Command =
  | { readonly kind: 'create'; readonly key: number; readonly value: unknown }
  | { readonly kind: 'apply'; readonly key: number; readonly ops: readonly unknown[]; readonly expect?: ExpectSpec }
  | { readonly kind: 'replace'; readonly key: number; readonly value: unknown; readonly expect: ExpectSpec }
  | { readonly kind: 'delete'; readonly key: number; readonly expect?: ExpectSpec };

/** What a write did: the written record, or the error (its class, code and reason). */
export type Outcome =
  | { readonly ok: { readonly version: string; readonly value: string } }
  | { readonly error: Readonly<Record<string, unknown>> };

/**
 * The model's state: each key's version and value (top-level nulls dropped). A deleted key
 * stays as a tombstone (`gone`) holding its last version: the key's next record starts
 * after it, so no version ever names two incarnations of a key. `buried` keeps,
 * on a record created again, the version its key's previous incarnation was deleted at.
 */
export type State = Map<string, { version: number; value: Row; gone?: true; buried?: number }>;

/** The key's record in the model, or undefined when it is absent (never written, or deleted). */
export function live(state: State, key: string): { version: number; value: Row } | undefined {
  const e = state.get(key);
  return e && !e.gone ? e : undefined;
}

/** The version the key's previous incarnation was deleted at (a tombstone), or 1 when it was never deleted. */
export function buried(state: State, key: string): number {
  const e = state.get(key);
  return e?.gone ? e.version : (e?.buried ?? 1);
}

/** JSON with sorted keys and no top-level nulls: -0 and 0, key order and absent vs null compare equal. */
export function canonical(value: unknown, top = true): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Row)
      .filter(([, v]) => v !== undefined && !(top && v === null))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v, false)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** An error as the comparison sees it. */
export function describeError(e: unknown): Readonly<Record<string, unknown>> {
  if (!isNoclobberError(e)) return { raw: String(e), name: (e as Error)?.name };
  const x = e as unknown as Record<string, unknown>;
  return {
    name: e.name,
    code: e.code,
    ...(x.reason === undefined ? {} : { reason: x.reason }),
    ...(x.what === undefined ? {} : { what: x.what }),
  };
}

/**
 * The expectation a spec names, given the record's current version (0 when absent) and the
 * last version of the key's previous incarnation (`buried`: a version an old tab still holds).
 */
export function resolveExpect(spec: ExpectSpec | undefined, current: number, old = 1): unknown {
  if (!spec) return undefined;
  const pick = spec.version;
  const version =
    pick === undefined
      ? undefined
      : pick === 'current'
        ? String(Math.max(current, 1))
        : pick === 'next'
          ? String(current + 1)
          : pick === 'previous'
            ? String(Math.max(current - 1, 1))
            : pick === 'buried'
              ? String(old)
              : pick;
  return {
    ...(version === undefined ? {} : { version }),
    ...(spec.exists ? { exists: true } : {}),
    ...(spec.where ? { where: spec.where } : {}),
    ...spec.extra,
  };
}

function snapshot(key: string, state: State) {
  const e = live(state, key);
  return e && { key, version: String(e.version), value: structuredClone(e.value) };
}

function withoutNulls(v: Row): Row {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined));
}

/**
 * What the reference says a command does — the core's own validation (`prepareOps`,
 * `prepareValue`, `normalizeExpect`, in the order a collection calls them), then
 * `explainFailure` and `checkChange` (applyOps / evaluateGuard) on the model's state under
 * the store's schema. Updates `state` when the write succeeds.
 */
export function referenceStep(schema: StoreSchema, state: State, key: string, cmd: Command): Outcome {
  try {
    const current = snapshot(key, state);
    const currentVersion = live(state, key)?.version ?? 0;
    const old = buried(state, key);
    let write: WriteCommand;
    if (cmd.kind === 'delete') {
      const expect = normalizeExpect(resolveExpect(cmd.expect, currentVersion, old) ?? { exists: true });
      if (expect.absent) throw new ConflictError('absent delete', { reason: current ? 'exists' : 'gone', key });
      const error = explainFailure(schema, { key, change: { ops: [] }, expect }, current);
      if (error) throw error;
      // A tombstone: the key's next record starts after this version.
      state.set(key, { version: currentVersion, value: {}, gone: true });
      return { ok: { version: String(currentVersion), value: canonical(current?.value) } };
    }
    if (cmd.kind === 'apply') {
      const change = prepareOps(schema, key, cmd.ops as Op[]);
      write = { key, change, expect: normalizeExpect(resolveExpect(cmd.expect, currentVersion, old)) };
    } else if (cmd.kind === 'replace') {
      const change = prepareValue(schema, key, cmd.value);
      write = { key, change, expect: normalizeExpect(resolveExpect(cmd.expect, currentVersion, old)) };
    } else {
      write = { key, change: prepareValue(schema, key, cmd.value), expect: { absent: true } satisfies Expect };
    }
    const error = explainFailure(schema, write, current);
    if (error) throw error;
    const checked = checkChange(schema, write, current?.value);
    if ('error' in checked) throw checked.error;
    // A create after a delete starts after the tombstone's version, as every write starts after the one before.
    const prior = state.get(key);
    const buriedAt = prior?.gone ? prior.version : prior?.buried;
    const next = {
      version: (prior?.version ?? 0) + 1,
      value: withoutNulls(checked.next),
      ...(buriedAt === undefined ? {} : { buried: buriedAt }),
    };
    state.set(key, next);
    return { ok: { version: String(next.version), value: canonical(next.value) } };
  } catch (e) {
    return { error: describeError(e) };
  }
}

/** Runs a command on a collection, as the reference describes it. */
export async function storeStep(
  docs: Collection<Row>,
  key: string,
  cmd: Command,
  currentVersion: number,
  old = 1,
): Promise<Outcome> {
  try {
    let snap: { version: string; value: Row };
    if (cmd.kind === 'create') snap = await docs.create(key, cmd.value as Row);
    else if (cmd.kind === 'apply')
      snap = await docs.apply(key, cmd.ops as Op[], {
        expect: resolveExpect(cmd.expect, currentVersion, old) as Expect,
      });
    else if (cmd.kind === 'replace')
      snap = await docs.replace(key, cmd.value as Row, {
        expect: resolveExpect(cmd.expect, currentVersion, old) as Expect,
      });
    else {
      const expect = resolveExpect(cmd.expect, currentVersion, old) as Expect | undefined;
      snap = await docs.delete(key, expect ? { expect } : {});
    }
    return { ok: { version: snap.version, value: canonical(snap.value) } };
  } catch (e) {
    return { error: describeError(e) };
  }
}
