import { type Collection, collection, isNoclobberError, type Op, type Row, type Snapshot } from 'noclobber';
import { applyOps } from 'noclobber/store';
import { expect } from 'vitest';
import type { OpenedTable, StoreHarness, TableSpec } from './harness.js';

let seq = 0;
/** A key unique across the run. */
export function uid(prefix = 'k'): string {
  seq += 1;
  return `${prefix}-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Top-level null and absent mean the same (a NULL column): compare without them. */
export function withoutNulls(value: Row | undefined): Row | undefined {
  if (!value) return value;
  const out: Row = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** What a test gets for one table. */
export interface TableCtx {
  readonly table: OpenedTable;
  readonly docs: Collection<Row>;
}

/** Opens a table and wraps its store in a collection. */
export async function openTable(
  harness: StoreHarness,
  spec: TableSpec,
  options?: Parameters<typeof collection>[1],
): Promise<TableCtx> {
  const table = await harness.table(spec);
  return { table, docs: collection(table.store, options) };
}

/** Runs `fn` expecting a noclobber error; returns it. */
export async function rejects(
  fn: () => Promise<unknown>,
): Promise<{ code: string; reason?: string; [k: string]: unknown }> {
  try {
    await fn();
  } catch (e) {
    if (!isNoclobberError(e)) throw e;
    return e as never;
  }
  throw new Error('expected a noclobber error, but the call succeeded');
}

/** Asserts the record is exactly as it was (same version, same value). */
export async function expectUnchanged(docs: Collection<Row>, before: Snapshot<Row>): Promise<void> {
  const after = await docs.get(before.key);
  expect(after?.version).toBe(before.version);
  expect(withoutNulls(after?.value)).toEqual(withoutNulls(before.value));
}

/** What applyOps says, or the error it throws. */
export function reference(
  value: Row,
  ops: readonly Op[],
): { value: Row } | { error: { code: string; reason?: string } } {
  try {
    return { value: applyOps(value, ops) };
  } catch (e) {
    if (!isNoclobberError(e)) throw e;
    const reason = (e as { reason?: string }).reason;
    return { error: reason === undefined ? { code: e.code } : { code: e.code, reason } };
  }
}

/** Runs `count` async tasks at once. */
export function all<T>(count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => task(i)));
}
