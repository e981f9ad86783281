import { type Collection, collection } from '../../core/collection.js';
import { ConflictError } from '../../core/errors/conflict-error.js';
import { GuardError } from '../../core/errors/guard-error.js';
import type { Op } from '../../core/ops.js';
import type { Key, Row, Snapshot } from '../../core/types.js';
import { isTransactionClient, type PrismaClientLike } from './prisma-client.js';
import { PrismaCodec } from './prisma-codec.js';
import type { NoclobberExtension, NoclobberLocked, NoclobberPrismaOptions } from './prisma-extension-types.js';
import { modelMapping } from './prisma-model.js';
import { type PrismaChildOptions, PrismaStore } from './prisma-store.js';
import { whereToCall } from './prisma-where.js';

/** `this` inside a model extension method: the model, and the client it was called on (`tx` inside a transaction). */
interface ModelContext {
  readonly $name: string;
  readonly $parent: PrismaClientLike;
}

interface Bound {
  readonly store: PrismaStore<Row>;
  readonly codec: PrismaCodec;
}

type Options = {
  include?: Record<string, unknown>;
  retry?: object;
  lockTimeoutMs?: number;
  nowait?: boolean;
  afterCommit?: (row: Row) => unknown;
};

function relations(include: Record<string, unknown> | undefined): string[] {
  return Object.entries(include ?? {})
    .filter(([name, v]) => {
      if (v === true) return true;
      if (v === false || v === undefined) return false;
      throw new TypeError(
        `noclobber/prisma: include.${name} must be true (nested includes and selects are not supported)`,
      );
    })
    .map(([name]) => name)
    .sort();
}

/** Errors carry the current row in the model's types, version field included. */
function prismaError(e: unknown, codec: PrismaCodec): unknown {
  if (!((e instanceof ConflictError || e instanceof GuardError) && e.current)) return e;
  const c = e.current as Snapshot<Row>;
  const current = { key: c.key, version: c.version, value: codec.toPrisma(c.value, c.version) };
  const base = { key: e.key, current, ...(e.cause === undefined ? {} : { cause: e.cause }) };
  const out =
    e instanceof GuardError
      ? new GuardError(e.message, { ...base, guard: e.guard, ...(e.actual === undefined ? {} : { actual: e.actual }) })
      : new ConflictError(e.message, {
          ...base,
          reason: e.reason,
          ...(e.expected === undefined ? {} : { expected: e.expected }),
          ...(e.actual === undefined ? {} : { actual: e.actual }),
        });
  if (e.attempts !== undefined) out.attempts = e.attempts;
  return out;
}

/**
 * A Prisma Client extension giving every model noclobber's three ways to write, in
 * Prisma's style: `$update(where, fn)` (optimistic; `fn` re-runs on a conflict),
 * `$apply(where, ops)` (one conditional statement) and `$withLock(where, fn)` (row lock),
 * plus a checked `$delete(where)` and a create-only `$create(data)`, whose record starts
 * after the key's tombstone when the key was deleted before (Prisma's own `create` cannot).
 * `where` is the model's unique where; naming the version in it conditions the write on
 * it, and a moved row is a typed `ConflictError` with the current row — not Prisma's
 * P2025 "record not found". `include: { images: true }` makes the row and those relations
 * one versioned record. Called on the transaction client (`tx.product.$update`), the
 * write is part of that transaction.
 * @example
 * ```ts
 * const prisma = new PrismaClient({ adapter }).$extends(noclobber());
 * await prisma.product.$update({ id: 'p1' }, (p) => ({ ...p, stock: p.stock - 1 }));
 * await prisma.product.$apply({ id: 'p1', version: 7 }, [set('name', 'Tee')]);
 * ```
 */
export function noclobber(options: NoclobberPrismaOptions = {}): NoclobberExtension {
  const extension = (client: { $extends(extension: object): unknown }) => {
    const cache = new Map<string, Promise<Bound>>();
    const bind = async (ctx: ModelContext, include: Record<string, unknown> | undefined): Promise<Bound> => {
      const names = relations(include);
      const id = `${ctx.$name}|${names.join(',')}`;
      let bound = cache.get(id);
      if (!bound) {
        const settings = options.models?.[ctx.$name] ?? {};
        const model = modelMapping(ctx.$parent, ctx.$name);
        const given: Record<string, PrismaChildOptions> = settings.relations ?? {};
        const children = new Map(
          names.map(
            (n) =>
              [
                n,
                new PrismaCodec(modelMapping(ctx.$parent, model.relations.get(n) ?? n).types, '', 'integer'),
              ] as const,
          ),
        );
        const open = async (): Promise<Bound> => ({
          store: await PrismaStore.open<Row>(ctx.$parent, {
            model: ctx.$name,
            ...settings,
            include: Object.fromEntries(names.map((n) => [n, given[n] ?? true])),
            ...(options.transactionOptions ? { transactionOptions: options.transactionOptions } : {}),
          }),
          codec: new PrismaCodec(
            model.types,
            settings.version ?? 'version',
            settings.versionKind ?? 'integer',
            children,
          ),
        });
        bound = open();
        // Opening may create the table of tombstones. Opened on a transaction client, that
        // CREATE is part of the caller's transaction and goes if it rolls back: such a store
        // serves this call only, and the first call outside a transaction opens the one kept.
        if (!isTransactionClient(ctx.$parent)) {
          cache.set(id, bound);
          bound.catch(() => cache.delete(id));
        }
      }
      const { store, codec } = await bound;
      return { store: store.on(ctx.$parent), codec };
    };
    const records = (store: PrismaStore<Row>): Collection<Row> =>
      collection(store, {
        ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
        ...(options.maxPatchBytes === undefined ? {} : { maxPatchBytes: options.maxPatchBytes }),
        ...(options.retry ? { retry: options.retry } : {}),
      });
    const opsIn = (codec: PrismaCodec, ops: readonly Op[]): Op[] =>
      ops.map((op) =>
        'value' in op && op.op === 'set' && typeof op.path === 'string' && !op.path.includes('.')
          ? { ...op, value: codec.opValue(op.path, op.value) as never }
          : op,
      );

    const methods = {
      async $update(
        this: ModelContext,
        where: Record<string, unknown>,
        fn: (row: Row) => Row | Promise<Row>,
        opts: Options = {},
      ) {
        const { store, codec } = await bind(this, opts.include);
        const { key, expect } = whereToCall(where, store.schema, (v) => codec.versionOf(v));
        try {
          const snap = await records(store).update(
            key,
            async (value, read) => {
              if (expect.version !== undefined && read.version !== expect.version)
                throw new ConflictError(`The record is at version ${read.version}, not ${expect.version}`, {
                  reason: 'stale',
                  key,
                  expected: expect.version,
                  actual: read.version,
                  current: read,
                });
              return codec.fromPrisma(await fn(codec.toPrisma(value, read.version)), read.version);
            },
            {
              ...(expect.where ? { where: expect.where } : {}),
              ...(opts.retry ? { retry: opts.retry } : {}),
              ...(opts.afterCommit
                ? { afterCommit: (s: Snapshot<Row>) => opts.afterCommit?.(codec.toPrisma(s.value, s.version)) }
                : {}),
            },
          );
          return codec.toPrisma(snap.value, snap.version);
        } catch (e) {
          throw prismaError(e, codec);
        }
      },

      async $apply(this: ModelContext, where: Record<string, unknown>, ops: readonly Op[], opts: Options = {}) {
        const { store, codec } = await bind(this, opts.include);
        const { key, expect } = whereToCall(where, store.schema, (v) => codec.versionOf(v));
        try {
          const snap = await records(store).apply(key, opsIn(codec, ops), {
            expect,
            ...(opts.retry ? { retry: opts.retry } : {}),
          });
          return codec.toPrisma(snap.value, snap.version);
        } catch (e) {
          throw prismaError(e, codec);
        }
      },

      async $delete(this: ModelContext, where: Record<string, unknown>, opts: Options = {}) {
        const { store, codec } = await bind(this, opts.include);
        const { key, expect } = whereToCall(where, store.schema, (v) => codec.versionOf(v));
        try {
          const snap = await records(store).delete(key, {
            expect: { exists: true, ...expect },
            ...(opts.retry ? { retry: opts.retry } : {}),
          });
          return codec.toPrisma(snap.value, snap.version);
        } catch (e) {
          throw prismaError(e, codec);
        }
      },

      async $create(this: ModelContext, data: Row, opts: Options = {}) {
        const { store, codec } = await bind(this, opts.include);
        const value = codec.fromPrisma(data, undefined);
        const { keyFields } = store.schema;
        const key =
          keyFields.length === 1
            ? (value[keyFields[0] as string] as Key)
            : (Object.fromEntries(keyFields.map((f) => [f, value[f]])) as Key);
        try {
          const snap = await records(store).create(key, value, opts.retry ? { retry: opts.retry } : {});
          return codec.toPrisma(snap.value, snap.version);
        } catch (e) {
          throw prismaError(e, codec);
        }
      },

      async $withLock(
        this: ModelContext,
        where: Record<string, unknown>,
        fn: (locked: NoclobberLocked<Row>) => Promise<unknown>,
        opts: Options = {},
      ) {
        const { store, codec } = await bind(this, opts.include);
        const { key, expect } = whereToCall(where, store.schema, (v) => codec.versionOf(v));
        const out = (s: Snapshot<Row>) => codec.toPrisma(s.value, s.version);
        try {
          return await records(store).withLock(
            key,
            async (locked) => {
              const read = locked.snapshot;
              if (expect.version !== undefined && read?.version !== expect.version)
                throw new ConflictError(`The record is at version ${read?.version}, not ${expect.version}`, {
                  reason: read ? 'stale' : 'gone',
                  key,
                  expected: expect.version,
                  ...(read ? { actual: read.version, current: read } : {}),
                });
              return fn({
                get row() {
                  return locked.snapshot ? out(locked.snapshot) : null;
                },
                apply: async (ops) =>
                  out(await locked.apply(opsIn(codec, ops), expect.where ? { where: expect.where } : {})),
                replace: async (row) => out(await locked.replace(codec.fromPrisma(row, locked.snapshot?.version))),
              });
            },
            {
              ...(opts.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: opts.lockTimeoutMs }),
              ...(opts.nowait ? { nowait: true } : {}),
              ...(opts.retry ? { retry: opts.retry } : {}),
            },
          );
        } catch (e) {
          throw prismaError(e, codec);
        }
      },
    };
    return client.$extends({ name: 'noclobber', model: { $allModels: methods } });
  };
  return extension as unknown as NoclobberExtension;
}
