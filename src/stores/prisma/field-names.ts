import { ConflictError } from '../../core/errors/conflict-error.js';
import { GuardError } from '../../core/errors/guard-error.js';
import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { TooLargeError } from '../../core/errors/too-large-error.js';
import type { Guard } from '../../core/guards.js';
import { isPlainObject } from '../../core/json.js';
import type { NormalOp } from '../../core/ops.js';
import type { StoreSchema, WriteCommand } from '../../core/store.js';
import type { Key, Row, Snapshot } from '../../core/types.js';

const rename = (map: ReadonlyMap<string, string>, name: string) => map.get(name) ?? name;

/**
 * The names a model's fields have in the database (Prisma's `@map`), both ways, and the
 * same for the rows of its child relations. Everything noclobber sends is translated to
 * column names; everything it returns — snapshots, and the paths, guards, fields and
 * current records inside errors — back to field names.
 * @example
 * ```ts
 * const names = new FieldNames(new Map([['category', 'category_name']]));
 * names.rowIn({ id: 'p1', category: 'shoes' }); // { id: 'p1', category_name: 'shoes' }
 * ```
 */
export class FieldNames {
  readonly #toColumn: ReadonlyMap<string, string>;
  readonly #toField: ReadonlyMap<string, string>;
  readonly #children: ReadonlyMap<string, FieldNames>;

  constructor(toColumn: ReadonlyMap<string, string>, children: ReadonlyMap<string, FieldNames> = new Map()) {
    this.#toColumn = toColumn;
    this.#toField = new Map([...toColumn].map(([f, c]) => [c, f]));
    this.#children = children;
  }

  /** True when every field is named as its column (no translation needed). */
  get identity(): boolean {
    return [...this.#toColumn].every(([f, c]) => f === c) && [...this.#children.values()].every((c) => c.identity);
  }

  column(field: string): string {
    return rename(this.#toColumn, field);
  }

  field(column: string): string {
    return rename(this.#toField, column);
  }

  #row(row: Row, out: boolean): Row {
    const result: Row = {};
    for (const [k, v] of Object.entries(row)) {
      const child = this.#children.get(k);
      result[out ? this.field(k) : this.column(k)] =
        child && Array.isArray(v) ? v.map((r) => (isPlainObject(r) ? child.#row(r, out) : r)) : v;
    }
    return result;
  }

  rowIn(row: Row): Row {
    return this.#row(row, false);
  }

  rowOut(row: Row): Row {
    return this.#row(row, true);
  }

  keyIn(key: Key): Key {
    return isPlainObject(key) ? (this.rowIn(key) as Key) : key;
  }

  #path(path: readonly string[], out: boolean): string[] {
    const [first, index, col, ...rest] = path;
    if (first === undefined) return [];
    const child = this.#children.get(first);
    const head = out ? this.field(first) : this.column(first);
    if (child && index !== undefined && col !== undefined)
      return [head, index, out ? child.field(col) : child.column(col), ...rest];
    return [head, ...path.slice(1)];
  }

  #op(op: NormalOp): NormalOp {
    const path = this.#path(op.path, false);
    if (op.op === 'merge' && op.path.length === 0)
      return { ...op, path, value: this.rowIn(op.value) as typeof op.value };
    if (op.op === 'set' && op.path.length === 1 && this.#children.has(op.path[0] as string) && Array.isArray(op.value))
      return {
        ...op,
        path,
        value: this.rowIn({ [op.path[0] as string]: op.value })[op.path[0] as string] as typeof op.value,
      };
    return { ...op, path };
  }

  #guard(guard: Guard, out: boolean): Guard {
    return { ...guard, path: this.#path(guard.path, out) };
  }

  /** A command with every name translated to the database's. */
  commandIn(cmd: WriteCommand): WriteCommand {
    const change =
      'ops' in cmd.change ? { ops: cmd.change.ops.map((op) => this.#op(op)) } : { value: this.rowIn(cmd.change.value) };
    const where = cmd.expect.where?.map((g) => this.#guard(g, false));
    return { ...cmd, key: this.keyIn(cmd.key), change, expect: { ...cmd.expect, ...(where ? { where } : {}) } };
  }

  /** The database's schema in field names. */
  schemaOut(schema: StoreSchema): StoreSchema {
    const names = (list: readonly string[] | undefined) => list?.map((c) => this.field(c));
    const byField = <V>(record: Readonly<Record<string, V>> | undefined) =>
      record && Object.fromEntries(Object.entries(record).map(([c, v]) => [this.field(c), v]));
    const maxBytes = byField(schema.maxBytes);
    const out: Record<string, unknown> = {
      ...schema,
      keyFields: names(schema.keyFields),
      versionField: this.field(schema.versionField),
    };
    for (const [k, v] of [
      ['fields', names(schema.fields)],
      ['jsonFields', names(schema.jsonFields)],
      ['reservedFields', names(schema.reservedFields)],
      ['maxBytes', maxBytes],
      // The core checks kinds and ranges by field name (the reference, normalizeOps, the HTTP layer).
      ['fieldTypes', byField(schema.fieldTypes)],
    ] as const)
      if (v !== undefined) out[k] = v;
    return out as unknown as StoreSchema;
  }

  snapshotOut<T>(snap: Snapshot<Row>, key: Key): Snapshot<T> {
    const out = { key, version: snap.version, value: this.rowOut(snap.value) as T };
    return snap.previous
      ? { ...out, previous: { version: snap.previous.version, value: this.rowOut(snap.previous.value) as T } }
      : out;
  }

  /** An error of the store with its paths, guard, field and current record in field names. */
  errorOut(e: unknown, key: Key): unknown {
    const current = (c: Snapshot<unknown> | undefined) =>
      c ? { current: this.snapshotOut(c as Snapshot<Row>, key) } : {};
    const cause = (x: Error) => (x.cause === undefined ? {} : { cause: x.cause });
    if (e instanceof ConflictError)
      return new ConflictError(e.message, {
        reason: e.reason,
        key,
        ...(e.expected === undefined ? {} : { expected: e.expected }),
        ...(e.actual === undefined ? {} : { actual: e.actual }),
        ...current(e.current),
        ...cause(e),
      });
    if (e instanceof GuardError)
      return new GuardError(e.message, {
        key,
        guard: this.#guard(e.guard, true),
        ...(e.actual === undefined ? {} : { actual: e.actual }),
        ...current(e.current),
        ...cause(e),
      });
    if (e instanceof InvalidChangeError && e.path)
      return new InvalidChangeError(e.message, { reason: e.reason, path: this.#path(e.path, true), ...cause(e) });
    if (e instanceof TooLargeError && e.field)
      return new TooLargeError(e.message, {
        what: e.what,
        limitBytes: e.limitBytes,
        field: this.field(e.field),
        ...(e.actualBytes === undefined ? {} : { actualBytes: e.actualBytes }),
        ...cause(e),
      });
    return e;
  }
}
