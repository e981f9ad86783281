// Pins the public surface (the VALUE names of every subpath: public-api-values.test-d.ts):
// the type names an application or a store author writes (a removal
// fails here; additions show in docs/api/report.md, which CI compares), names that must stay
// off a subpath (`@ts-expect-error`), and the signatures applications are written against.
// Type-checked by vitest (`typecheck.include`), never executed.
import * as root from 'noclobber';
import * as client from 'noclobber/client';
import type * as dynamodb from 'noclobber/dynamodb';
import * as express from 'noclobber/express';
import type * as fastify from 'noclobber/fastify';
import * as hono from 'noclobber/hono';
import * as http from 'noclobber/http';
import * as memory from 'noclobber/memory';
import type * as postgres from 'noclobber/postgres';
import type * as prisma from 'noclobber/prisma';
import type * as sqlite from 'noclobber/sqlite';
import type * as store from 'noclobber/store';
import { describe, expectTypeOf, it } from 'vitest';

interface Account {
  id: string;
  balance: number;
}

describe('type exports', () => {
  it('the root names the types an application writes', () => {
    type AppTypes = [
      root.Collection<Account>,
      root.CollectionOptions,
      root.ConflictReason,
      root.Expect,
      root.FieldGuards,
      root.Guard,
      root.GuardOp,
      root.IncBounds,
      root.InvalidChangeReason,
      root.Joinable<Account>,
      root.JsonObject,
      root.JsonPrimitive,
      root.JsonValue,
      root.Key,
      root.KeyPart,
      root.Locked<Account>,
      root.Op,
      root.Problem,
      root.RetryCause,
      root.RetryInfo,
      root.RetryOptions,
      root.Row,
      root.SetItem,
      root.Snapshot<Account>,
      root.Store<Account>,
      root.TransactCallOptions,
      root.TransientReason,
      root.Tx<Account>,
      root.UpdateFn<Account>,
      root.UpdateOptions<Account>,
      root.WithLockOptions,
      root.WriteOptions<Account>,
    ];
    expectTypeOf<AppTypes>().not.toBeNever();
  });

  it('noclobber/store names what a store implements and receives', () => {
    type StoreTypes = [
      store.ConflictErrorOptions,
      store.FieldType,
      store.JsonLimits,
      store.LockOptions,
      store.LockSession<Account>,
      store.NoclobberErrorOptions,
      store.NormalOp,
      store.Path,
      store.PreparedChange,
      store.Store<Account>,
      store.StoreCapabilities,
      store.StoreSchema,
      store.StoreSession<Account>,
      store.TransactOptions,
      store.TxSession<Account>,
      store.WriteCommand,
    ];
    expectTypeOf<StoreTypes>().not.toBeNever();
    // The same Store type from both: an application names it, a store implements it.
    expectTypeOf<root.Store<Account>>().toEqualTypeOf<store.Store<Account>>();
  });

  it('store subpaths name their configs and driver shapes', () => {
    type Configs = [
      memory.MemoryStoreConfig,
      sqlite.SqliteDatabase,
      sqlite.SqliteStoreConfig,
      postgres.PgPool,
      postgres.PostgresStoreConfig,
      postgres.PostgresAggregateConfig,
      prisma.PrismaClientLike,
      prisma.PrismaStoreConfig,
      dynamodb.DynamoClient,
      dynamodb.DynamoStoreConfig,
      http.ServeResourceOptions<Account>,
      http.ResourceHandler,
      fastify.FastifyResourceOptions<Account>,
      client.ResourceOptions,
      client.Resource<Account>,
      client.AutosaveOptions,
    ];
    expectTypeOf<Configs>().not.toBeNever();
  });

  it('internals and store-author parts are not on the wrong subpath', () => {
    // @ts-expect-error store-author part: noclobber/store
    type _Session = root.StoreSession;
    // @ts-expect-error store-author part: noclobber/store
    type _Command = root.WriteCommand;
    // @ts-expect-error store-author part: noclobber/store
    type _Normal = root.NormalOp;
    // @ts-expect-error internal: the resolved retry policy
    type _Resolved = store.ResolvedRetry;
    // @ts-expect-error internal: PostgreSQL failure phases
    type _PgPhase = postgres.PgPhase;
    // @ts-expect-error internal: DynamoDB failure phases
    type _DynamoPhase = dynamodb.DynamoPhase;
    // @ts-expect-error the client's ResourceOptions is the only one; the server's is ServeResourceOptions
    type _Options = http.ResourceOptions;
    // @ts-expect-error one name per concept: the store's change is PreparedChange, the client's diff is Change
    type _Change = store.Change;
    // @ts-expect-error internal: a Prisma model's database mapping
    type _Mapping = prisma.ModelMapping;
  });
});

describe('signatures applications are written against', () => {
  const accounts = root.collection(new memory.MemoryStore<Account>({ key: 'id' }));

  it('collection() wraps a Store in a Collection of the same record type', () => {
    expectTypeOf(root.collection<Account>).parameters.toEqualTypeOf<
      [store: root.Store<Account>, options?: root.CollectionOptions]
    >();
    expectTypeOf(accounts).toEqualTypeOf<root.Collection<Account>>();
    expectTypeOf(accounts.get).returns.resolves.toEqualTypeOf<root.Snapshot<Account> | undefined>();
  });

  it('apply, update, withLock and transact', () => {
    expectTypeOf(accounts.apply).parameters.toEqualTypeOf<
      [key: root.Key, ops: readonly root.Op[], options?: root.WriteOptions<Account>]
    >();
    expectTypeOf(accounts.apply).returns.resolves.toEqualTypeOf<root.Snapshot<Account>>();
    expectTypeOf(accounts.update).parameters.toEqualTypeOf<
      [key: root.Key, fn: root.UpdateFn<Account>, options?: root.UpdateOptions<Account>]
    >();
    expectTypeOf(accounts.update).returns.resolves.toEqualTypeOf<root.Snapshot<Account>>();
    expectTypeOf<root.UpdateFn<Account>>().toEqualTypeOf<
      (value: Account, snapshot: root.Snapshot<Account>) => Account | Promise<Account>
    >();
    expectTypeOf(accounts.withLock<number>)
      .parameter(1)
      .toEqualTypeOf<(locked: root.Locked<Account>) => Promise<number>>();
    expectTypeOf(accounts.transact<number>).parameters.toEqualTypeOf<
      [fn: (tx: root.Tx<Account>) => Promise<number>, options?: root.TransactCallOptions]
    >();
    expectTypeOf(root.inc).returns.toEqualTypeOf<root.Op>();
    expectTypeOf(root.field('balance').gte(0)).toEqualTypeOf<root.Guard>();
  });

  it('serveResource and the adapters take one options type', () => {
    expectTypeOf(http.serveResource<Account>).parameters.toEqualTypeOf<[options: http.ServeResourceOptions<Account>]>();
    expectTypeOf(http.serveResource<Account>).returns.toEqualTypeOf<http.ResourceHandler>();
    expectTypeOf<http.ServeResourceOptions<Account>['collection']>().toEqualTypeOf<root.Collection<Account>>();
    expectTypeOf(hono.honoResource<Account>)
      .parameter(0)
      .toEqualTypeOf<http.ServeResourceOptions<Account>>();
    expectTypeOf(express.expressResource<Account>)
      .parameter(0)
      .toEqualTypeOf<http.ServeResourceOptions<Account>>();
    expectTypeOf<fastify.FastifyResourceOptions<Account>['resource']>().toEqualTypeOf<
      http.ServeResourceOptions<Account>
    >();
  });

  it('the client: resource(url) and autosave(resource)', () => {
    expectTypeOf(client.resource<Account>).parameters.toEqualTypeOf<[url: string, options?: client.ResourceOptions]>();
    expectTypeOf(client.resource<Account>).returns.toEqualTypeOf<client.Resource<Account>>();
    expectTypeOf(client.autosave<Account>).parameters.toEqualTypeOf<
      [res: client.Resource<Account>, options?: client.AutosaveOptions]
    >();
    expectTypeOf(client.autosave<Account>).returns.toEqualTypeOf<client.Autosave<Account>>();
  });
});
