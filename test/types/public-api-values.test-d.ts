// Pins the public surface, part one: the VALUE names of every subpath exactly (a name added,
// removed or renamed fails here). The type names and signatures are pinned in
// public-api.test-d.ts.
// Type-checked by vitest (`typecheck.include`), never executed.
import type * as root from 'noclobber';
import type * as client from 'noclobber/client';
import type * as dynamodb from 'noclobber/dynamodb';
import type * as express from 'noclobber/express';
import type * as fastify from 'noclobber/fastify';
import type * as hono from 'noclobber/hono';
import type * as http from 'noclobber/http';
import type * as memory from 'noclobber/memory';
import type * as postgres from 'noclobber/postgres';
import type * as prisma from 'noclobber/prisma';
import type * as react from 'noclobber/react';
import type * as sqlite from 'noclobber/sqlite';
import type * as store from 'noclobber/store';
import type * as testing from 'noclobber/testing';
import { describe, expectTypeOf, it } from 'vitest';

describe('value exports, per subpath', () => {
  it('noclobber: the application API', () => {
    expectTypeOf<keyof typeof root>().toEqualTypeOf<
      | 'AbortedError'
      | 'AfterCommitError'
      | 'CannotJoinError'
      | 'CommitUnknownError'
      | 'ConflictError'
      | 'DatabaseError'
      | 'GuardError'
      | 'InvalidChangeError'
      | 'LockBusyError'
      | 'LockLostError'
      | 'LockTimeoutError'
      | 'NoclobberError'
      | 'RerunTransactionError'
      | 'SetupError'
      | 'TooLargeError'
      | 'TransientError'
      | 'add'
      | 'canJoin'
      | 'collection'
      | 'field'
      | 'inc'
      | 'isConflictError'
      | 'isNoclobberError'
      | 'merge'
      | 'remove'
      | 'retryPresets'
      | 'set'
      | 'unset'
    >();
  });

  it('noclobber/store: the parts for writing a store', () => {
    expectTypeOf<keyof typeof store>().toEqualTypeOf<
      | 'DEFAULT_MAX_DEPTH'
      | 'DEFAULT_MAX_PATCH_BYTES'
      | 'FORBIDDEN_KEYS'
      | 'Mutex'
      | 'applyOps'
      | 'assertJson'
      | 'backoffDelay'
      | 'checkCaps'
      | 'checkChange'
      | 'cloneJson'
      | 'evaluateGuard'
      | 'explainFailure'
      | 'fieldTypeProblem'
      | 'formatPath'
      | 'isPlainObject'
      | 'jsonBytes'
      | 'jsonEqual'
      | 'keyFields'
      | 'keyProblem'
      | 'keyString'
      | 'nextValue'
      | 'normalizeExpect'
      | 'normalizeOps'
      | 'normalizeValue'
      | 'numberProblem'
      | 'parsePath'
      | 'prepareOps'
      | 'prepareValue'
      | 'readPath'
      | 'retryCause'
      | 'sleep'
    >();
  });

  it('store subpaths: the store class, its config and its tombstone DDL, no error mappers or phases', () => {
    expectTypeOf<keyof typeof memory>().toEqualTypeOf<'MemoryDatabase' | 'MemoryStore'>();
    expectTypeOf<keyof typeof sqlite>().toEqualTypeOf<
      'SQLITE_TOMBSTONE_TABLE' | 'SqliteStore' | 'sqliteTombstoneDdl'
    >();
    expectTypeOf<keyof typeof postgres>().toEqualTypeOf<
      'PG_TOMBSTONE_TABLE' | 'PostgresAggregateStore' | 'PostgresStore' | 'pgTombstoneDdl'
    >();
    expectTypeOf<keyof typeof prisma>().toEqualTypeOf<'PrismaStatementError' | 'PrismaStore' | 'noclobber'>();
    expectTypeOf<keyof typeof dynamodb>().toEqualTypeOf<'DEFAULT_LEASE_MS' | 'DynamoStore' | 'isTombstone'>();
  });

  it('noclobber/testing', () => {
    expectTypeOf<keyof typeof testing>().toEqualTypeOf<
      'STRATEGIES' | 'checkHistory' | 'percentile' | 'runRace' | 'writeOnce'
    >();
  });

  it('noclobber/http and the framework adapters: serveResource, then <framework>Resource', () => {
    expectTypeOf<keyof typeof http>().toEqualTypeOf<
      | 'AuditError'
      | 'HeldKey'
      | 'IdempotencyError'
      | 'PreconditionError'
      | 'collectionIdempotency'
      | 'credentialScope'
      | 'evaluatePreconditions'
      | 'formatETag'
      | 'formatHttpDate'
      | 'internalErrorResponse'
      | 'parseConditions'
      | 'parseEntityTags'
      | 'parseHttpDate'
      | 'parseIdempotencyKey'
      | 'parseJson'
      | 'problemResponse'
      | 'problemText'
      | 'readBody'
      | 'requestFingerprint'
      | 'serveResource'
      | 'versionOf'
      | 'withIdempotency'
      | 'writeForceAudit'
    >();
    expectTypeOf<keyof typeof hono>().toEqualTypeOf<'honoResource' | 'problemJson'>();
    expectTypeOf<keyof typeof express>().toEqualTypeOf<'expressResource'>();
    expectTypeOf<keyof typeof fastify>().toEqualTypeOf<'fastifyResource'>();
  });

  it('noclobber/client and noclobber/react', () => {
    expectTypeOf<keyof typeof client>().toEqualTypeOf<
      | 'ClientError'
      | 'ConflictStore'
      | 'autosave'
      | 'diffChange'
      | 'elementSegment'
      | 'merge3'
      | 'parseElementSegment'
      | 'resource'
    >();
    expectTypeOf<keyof typeof react>().toEqualTypeOf<'useAutosave' | 'useConflicts' | 'useResource'>();
  });
});
