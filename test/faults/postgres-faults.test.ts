import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  add,
  type Collection,
  CommitUnknownError,
  collection,
  inc,
  isNoclobberError,
  type RetryInfo,
  type Row,
} from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPool } from '../postgres/pg-harness.js';
import { service } from '../setup/services.js';
import { type FaultPlan, type FaultPoint, faultyPool, terminateAndWait } from './fault-pool.js';
import { faultTable, readRows } from './pg-fixtures.js';
import { type RestartableServer, startRestartable } from './pg-server.js';
import { expectTruthful, type Outcome, progress, runWorkers } from './workers.js';

// The suite runs on a server of its own (it stops it); asking for the run's server is how it
// learns whether PostgreSQL is selected and can start here (a loud skip otherwise).
const available = await service('postgres');

/** What a fault at one phase must lead to: the call's outcome, and whether the write is in the table. */
interface Case {
  readonly name: string;
  readonly call: 'apply' | 'transact';
  readonly plan: (admin: pg.Pool, table: string) => FaultPlan;
  readonly outcome: 'acknowledged' | 'commit_unknown';
  readonly applied: 0 | 1;
  /** The cause the retried attempt failed with, for acknowledged calls. */
  readonly retried?: string;
}

const isWrite = (sql: string) => sql.startsWith('WITH w AS (UPDATE');
const once = (fire: (p: FaultPoint) => Promise<unknown> | unknown, when: (p: FaultPoint) => boolean) => {
  let fired = false;
  return async (p: FaultPoint) => {
    if (fired || !when(p)) return;
    fired = true;
    await fire(p);
  };
};

/** Waits until another connection sees the write committed (its marker in the row). */
async function committed(admin: pg.Pool, table: string, marker: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const { rows } = await admin.query(`SELECT 1 FROM "${table}" WHERE markers ? $1`, [marker]);
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the write never committed');
}

/** The answer is lost after the server applied it: the socket stops being read, then is cut once the write is visible. */
function answerLost(admin: pg.Pool, table: string, marker: () => string, when: (p: FaultPoint) => boolean): FaultPlan {
  const stream = (p: FaultPoint) =>
    (p.client as unknown as { connection: { stream: { pause(): void; destroy(): void } } }).connection.stream;
  let armed = false;
  return {
    before: once((p) => {
      armed = true;
      stream(p).pause();
    }, when),
    inflight: async (p) => {
      if (!armed || !when(p)) return;
      armed = false;
      await committed(admin, table, marker());
      stream(p).destroy();
    },
  };
}

const CASES: readonly Case[] = [
  {
    name: 'autocommit write, backend terminated before the statement was sent',
    call: 'apply',
    plan: (admin) => ({
      before: once(
        (p) => terminateAndWait(admin, p),
        (p) => isWrite(p.sql),
      ),
    }),
    outcome: 'acknowledged',
    applied: 1,
    retried: 'transient:connection',
  },
  {
    name: 'autocommit write, backend terminated while the statement ran',
    call: 'apply',
    plan: (admin) => ({
      before: once(
        (p) => p.client.query(`SET faults.statement_ms = '2000'`),
        (p) => isWrite(p.sql),
      ),
      inflight: once(
        (p) => admin.query('SELECT pg_terminate_backend($1, 10000)', [p.pid]),
        (p) => isWrite(p.sql),
      ),
    }),
    outcome: 'commit_unknown',
    applied: 0,
  },
  {
    name: 'autocommit write applied, its answer lost',
    call: 'apply',
    plan: (admin, table) =>
      answerLost(
        admin,
        table,
        () => current,
        (p) => isWrite(p.sql),
      ),
    outcome: 'commit_unknown',
    applied: 1,
  },
  {
    name: 'transaction, backend terminated while a statement ran (before COMMIT)',
    call: 'transact',
    plan: (admin) => ({
      before: once(
        (p) => p.client.query(`SET faults.statement_ms = '2000'`),
        (p) => isWrite(p.sql),
      ),
      inflight: once(
        (p) => admin.query('SELECT pg_terminate_backend($1, 10000)', [p.pid]),
        (p) => isWrite(p.sql),
      ),
    }),
    outcome: 'acknowledged',
    applied: 1,
    retried: 'transient:connection',
  },
  {
    name: 'transaction, backend terminated after its statements, before COMMIT was sent',
    call: 'transact',
    plan: (admin) => ({
      before: once(
        (p) => terminateAndWait(admin, p),
        (p) => p.sql === 'COMMIT',
      ),
    }),
    outcome: 'acknowledged',
    applied: 1,
    retried: 'transient:connection',
  },
  {
    name: 'transaction, backend terminated during COMMIT',
    call: 'transact',
    plan: (admin) => ({
      before: once(
        (p) => p.client.query(`SET faults.commit_ms = '2000'`),
        (p) => p.sql === 'COMMIT',
      ),
      inflight: once(
        (p) => admin.query('SELECT pg_terminate_backend($1, 10000)', [p.pid]),
        (p) => p.sql === 'COMMIT',
      ),
    }),
    outcome: 'commit_unknown',
    applied: 0,
  },
  {
    name: 'transaction, COMMIT applied and its answer lost',
    call: 'transact',
    plan: (admin, table) =>
      answerLost(
        admin,
        table,
        () => current,
        (p) => p.sql === 'COMMIT',
      ),
    outcome: 'commit_unknown',
    applied: 1,
  },
];
let current = '';

describe.skipIf(!available)('fault injection on PostgreSQL: every error tells what happened', () => {
  let server: RestartableServer;
  let admin: pg.Pool;
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    server = await startRestartable();
    admin = newPool(server.url, 3);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([admin, ...pools].map((p) => p?.end()));
    await server?.stop();
  });

  it('pg_terminate_backend and lost answers at each phase: a retried TransientError where nothing committed, CommitUnknownError only where the outcome was unknown', async () => {
    const table = 'phases';
    await faultTable(
      admin,
      table,
      CASES.map((_, i) => `row-${i}`),
    );
    let unknown = 0;
    let unknownApplied = 0;
    for (const [i, c] of CASES.entries()) {
      const id = `row-${i}`;
      let plan: FaultPlan | undefined = c.plan(admin, table);
      const pool = newPool(server.url, 2);
      pools.push(pool);
      const docs: Collection<Row> = collection(
        await PostgresStore.open(
          faultyPool(pool, () => plan),
          { table, key: 'id' },
        ),
      );
      current = `m-${i}`;
      const retries: RetryInfo[] = [];
      const retry = { baseMs: 1, capMs: 2, onRetry: (r: RetryInfo) => void retries.push(r) };
      const run =
        c.call === 'apply'
          ? () => docs.apply(id, [inc('n', 1), add('markers', current)], { retry })
          : () =>
              docs.transact(
                async (tx) => {
                  await tx.apply(id, [inc('n', 1), add('markers', current)]);
                },
                { retry },
              );
      const err = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      plan = undefined;
      const row = (await readRows(admin, table)).get(id);
      expect(row?.n, c.name).toBe(c.applied);
      expect(row?.markers, c.name).toEqual(c.applied ? [current] : []);
      if (c.outcome === 'acknowledged') {
        expect(err, `${c.name}: ${err}`).toBeUndefined();
        expect(
          retries.map((r) => `${r.error.code}:${(r.error as { reason?: string }).reason}`),
          c.name,
        ).toEqual([c.retried]);
      } else {
        expect(err, c.name).toBeInstanceOf(CommitUnknownError);
        expect(isNoclobberError((err as Error).cause) ? 'wrapped twice' : 'driver cause', c.name).toBe('driver cause');
        unknown++;
        if (row?.n) unknownApplied++;
      }
    }
    console.log(
      `postgres phases: ${CASES.length} faults, ${unknown} CommitUnknownError, ${unknownApplied} of them applied`,
    );
    expect(unknown).toBe(4);
    expect(unknownApplied).toBe(2);
  }, 60_000);

  it('workers killed with SIGKILL mid-write (statement sent, COMMIT sent, before the statement): nothing acknowledged lost, nothing applied twice', async () => {
    const table = 'killed';
    await faultTable(admin, table, ['row-0', 'row-1']);
    const outcomes = await runWorkers('pg-kill-worker.ts', [
      [server.url, table, '1', 'statement-sent'],
      [server.url, table, '2', 'commit-sent'],
      [server.url, table, '3', 'before-statement'],
    ]);
    for (const o of outcomes) expect(o.signal, JSON.stringify(o)).toBe('SIGKILL');
    const report = expectTruthful(outcomes, await readRows(admin, table));
    console.log(
      `postgres SIGKILL: ${report.acknowledged} acknowledged, ${report.inflight} in flight at the kill, ${report.inflightApplied} of them applied`,
    );
    expect(report.inflight).toBe(3);
  }, 60_000);

  it('the server stopped (fast shutdown) and restarted under load: every error typed and true, acknowledged writes kept once', async () => {
    const table = 'restart';
    await faultTable(admin, table, ['row-0', 'row-1', 'row-2', 'row-3']);
    const stopDir = mkdtempSync(join(tmpdir(), 'nc-stop-'));
    const stop = join(stopDir, 'stop');
    const work = runWorkers('load-worker.ts', [
      ['postgres', server.url, table, '1', '4', stop],
      ['postgres', server.url, table, '2', '4', stop],
    ]);
    const written = async () => (await admin.query(`SELECT sum(n)::int AS n FROM "${table}"`)).rows[0].n as number;
    // Restart once the workers are writing; stop them once they wrote again after it.
    const before = await progress(written, 0, 40);
    await server.restart(500);
    const after = await progress(written, before, 40);
    writeFileSync(stop, '');
    const outcomes: Outcome[] = await work;
    rmSync(stopDir, { recursive: true, force: true });
    expect(after).toBeGreaterThanOrEqual(before + 40);
    const report = expectTruthful(outcomes, await readRows(admin, table));
    console.log(
      `postgres restart under load: ${report.acknowledged} acknowledged, ${report.unknown} CommitUnknownError (${report.unknownApplied} applied), ${report.failed} failed typed (${JSON.stringify(report.failures)}), retried by cause ${JSON.stringify(report.retries)}`,
    );
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.retries.connection ?? 0).toBeGreaterThan(0);
  }, 60_000);
});
