import { Mutex } from '../../core/mutex.js';
import type { Key, Row } from '../../core/types.js';

/**
 * One table of a memory database: records by key string. A deleted record stays as a
 * tombstone (`gone`) holding its last version, so the next record of that key starts after
 * it and no version ever names two incarnations (see `MemoryStore`).
 */
export type Table = Map<
  string,
  { readonly key: Key; readonly version: number; readonly value: Row; readonly gone?: true }
>;

interface State {
  readonly mutex: Mutex;
  readonly tables: Map<object, Table>;
}

const states = new WeakMap<MemoryDatabase, State>();

/**
 * A database in process memory that several {@link MemoryStore}s share: its writes,
 * transactions and locks take turns through one mutex, so one `transact` can write several
 * of its stores atomically (`tx.with`). Each store keeps its own table in it.
 * @example
 * ```ts
 * const db = new MemoryDatabase();
 * const accounts = collection(new MemoryStore({ database: db }));
 * const audit = collection(new MemoryStore({ database: db }));
 * await accounts.transact(async (tx) => { await tx.apply('a', ops); await tx.with(audit).create('e1', entry); });
 * ```
 */
export class MemoryDatabase {
  constructor() {
    states.set(this, { mutex: new Mutex(), tables: new Map() });
  }
}

/** The mutex and tables of a memory database (for its stores). */
export function memoryState(db: MemoryDatabase): State {
  const state = states.get(db);
  if (!state) throw new TypeError('noclobber/memory: not a MemoryDatabase');
  return state;
}

/**
 * One transaction of a memory database: working copies of the tables it touched, made
 * current together on commit, dropped on rollback.
 */
export class MemoryTransaction {
  readonly database: MemoryDatabase;
  readonly #working = new Map<object, Table>();

  constructor(database: MemoryDatabase) {
    this.database = database;
  }

  /** The working copy of a table (copied from the committed one on first use). */
  table(slot: object): Table {
    let table = this.#working.get(slot);
    if (!table) {
      table = new Map(memoryState(this.database).tables.get(slot));
      this.#working.set(slot, table);
    }
    return table;
  }

  commit(): void {
    const tables = memoryState(this.database).tables;
    for (const [slot, table] of this.#working) tables.set(slot, table);
  }
}
