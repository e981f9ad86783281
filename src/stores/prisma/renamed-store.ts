import type { Expect } from '../../core/expect.js';
import type {
  LockOptions,
  LockSession,
  Store,
  StoreCapabilities,
  StoreSchema,
  StoreSession,
  TransactOptions,
  TxSession,
  WriteCommand,
} from '../../core/store.js';
import type { Key, Row, Snapshot } from '../../core/types.js';
import type { FieldNames } from './field-names.js';

/**
 * A store in a model's field names over a store in the table's column names (Prisma's
 * `@map`). It only translates names; every statement, condition and error is the inner
 * store's.
 * @example
 * ```ts
 * const store = new RenamedStore<Product>(await PostgresStore.open(pool, config), names);
 * ```
 */
export class RenamedStore<T extends object = Row> implements Store<T> {
  readonly kind: string;
  readonly id: string | undefined;
  readonly schema: StoreSchema;
  readonly capabilities: StoreCapabilities;
  readonly #inner: Store<Row>;
  readonly #names: FieldNames;

  constructor(inner: Store<Row>, names: FieldNames) {
    this.#inner = inner;
    this.#names = names;
    this.kind = inner.kind;
    this.id = inner.id;
    this.capabilities = inner.capabilities;
    this.schema = names.schemaOut(inner.schema);
  }

  async #call<R>(key: Key, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (e) {
      throw this.#names.errorOut(e, key);
    }
  }

  #session(s: StoreSession<Row>): StoreSession<T> {
    const names = this.#names;
    return {
      get: (key) =>
        this.#call(key, async () => s.get(names.keyIn(key)).then((snap) => snap && names.snapshotOut<T>(snap, key))),
      write: (cmd: WriteCommand) =>
        this.#call(cmd.key, async () => names.snapshotOut<T>(await s.write(names.commandIn(cmd)), cmd.key)),
      delete: (key: Key, expect: Expect) =>
        this.#call(key, async () => {
          const { expect: e } = names.commandIn({ key, change: { ops: [] }, expect });
          return names.snapshotOut<T>(await s.delete(names.keyIn(key), e), key);
        }),
    };
  }

  #txSession(s: TxSession<Row>): TxSession<T> {
    const names = this.#names;
    const lockAll = s.lockAll?.bind(s);
    return {
      ...this.#session(s),
      ...(s.transaction === undefined ? {} : { transaction: s.transaction }),
      ...(lockAll ? { lockAll: (keys: readonly Key[]) => lockAll(keys.map((k) => names.keyIn(k))) } : {}),
    };
  }

  /** The inner store's: renaming changes no connection. */
  get transactionDomain(): object | undefined {
    return this.#inner.transactionDomain;
  }

  joinTransaction(transaction: unknown): TxSession<T> {
    if (!this.#inner.joinTransaction)
      throw new TypeError(`noclobber/prisma: ${this.#inner.kind} stores cannot join a transaction`);
    return this.#txSession(this.#inner.joinTransaction(transaction));
  }

  get(key: Key): Promise<Snapshot<T> | undefined> {
    return this.#session(this.#inner).get(key);
  }

  write(cmd: WriteCommand): Promise<Snapshot<T>> {
    return this.#session(this.#inner).write(cmd);
  }

  delete(key: Key, expect: Expect): Promise<Snapshot<T>> {
    return this.#session(this.#inner).delete(key, expect);
  }

  transact<R>(fn: (session: TxSession<T>) => Promise<R>, options: TransactOptions): Promise<R> {
    return this.#inner.transact((s) => fn(this.#txSession(s)), options);
  }

  lock<R>(key: Key, fn: (session: LockSession<T>) => Promise<R>, options: LockOptions): Promise<R> {
    return this.#inner.lock(
      this.#names.keyIn(key),
      (s) =>
        fn({
          ...this.#session(s),
          snapshot: s.snapshot && this.#names.snapshotOut<T>(s.snapshot, key),
          ...(s.fencingToken === undefined ? {} : { fencingToken: s.fencingToken }),
        }),
      options,
    );
  }
}
