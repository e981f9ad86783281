import type { PgPool, PgPoolClient, PgQueryConfig, PgResult } from 'noclobber/postgres';
import type pg from 'pg';

/** What a fault hook learns about the statement a checked-out client is about to send. */
export interface FaultPoint {
  /** The statement's text (`COMMIT`, `BEGIN …`, the write's `WITH w AS (UPDATE …`). */
  readonly sql: string;
  /** The backend's process id, for `pg_terminate_backend`. */
  readonly pid: number;
  /** The real `pg` client (test seam: its socket can be paused or destroyed). */
  readonly client: pg.PoolClient;
}

/**
 * Hooks a test installs at the phases of a statement. `before` runs before the statement is
 * handed to the driver (nothing sent yet); `inflight` runs right after it was handed over,
 * while its answer is pending. Each returns true when it fired (so a plan fires once).
 */
export interface FaultPlan {
  before?(point: FaultPoint): Promise<unknown> | unknown;
  inflight?(point: FaultPoint): Promise<unknown> | unknown;
}

function text(q: string | PgQueryConfig): string {
  return typeof q === 'string' ? q : q.text;
}

/** True once the real client has emitted an error (its connection is gone). */
const broken = new WeakSet<object>();
const watched = new WeakSet<object>();

/**
 * A `pg` pool whose clients call the plan's hooks around every statement: the seam the fault
 * suite uses to stop a write at an exact phase (before the statement, after it before COMMIT,
 * during COMMIT) instead of relying on timing. `query` on the pool goes through a checked-out
 * client too, so reads and autocommit writes pass the same hooks.
 */
export function faultyPool(pool: pg.Pool, plan: () => FaultPlan | undefined): PgPool {
  const wrap = (real: pg.PoolClient): PgPoolClient => {
    if (!watched.has(real)) {
      watched.add(real);
      real.on('error', () => broken.add(real));
    }
    const pid = (real as unknown as { processID: number }).processID;
    const query = async (q: string | PgQueryConfig, values?: unknown[]): Promise<PgResult> => {
      const hooks = plan();
      const point: FaultPoint = { sql: text(q), pid, client: real };
      await hooks?.before?.(point);
      const sent = (typeof q === 'string' ? real.query(q, values) : real.query(q as never)) as Promise<PgResult>;
      const settled = sent.then(
        () => undefined,
        () => undefined,
      );
      if (hooks?.inflight) await Promise.race([Promise.resolve(hooks.inflight(point)), settled]);
      return sent;
    };
    return {
      query: query as PgPoolClient['query'],
      release: (err?: Error | boolean) => real.release(err ?? broken.has(real)),
      on: (event, listener) => real.on(event, listener),
      off: (event, listener) => real.off(event, listener),
      get processID() {
        return pid;
      },
    } as PgPoolClient & { processID: number };
  };
  const connect = async () => wrap(await pool.connect());
  const poolQuery = async (q: string | PgQueryConfig, values?: unknown[]): Promise<PgResult> => {
    const client = await connect();
    let failed: unknown;
    try {
      return await (typeof q === 'string' ? client.query(q, values) : client.query(q));
    } catch (e) {
      failed = e;
      throw e;
    } finally {
      client.release(failed instanceof Error && !(failed as { code?: string }).code ? failed : undefined);
    }
  };
  return { connect, query: poolQuery as PgPool['query'] };
}

/** Terminates the backend and waits until the client has noticed (so nothing more can be sent on it). */
export async function terminateAndWait(admin: pg.Pool, point: FaultPoint): Promise<void> {
  await admin.query('SELECT pg_terminate_backend($1, 10000)', [point.pid]);
  for (let i = 0; i < 500 && !broken.has(point.client); i++) await new Promise((r) => setTimeout(r, 2));
  if (!broken.has(point.client)) throw new Error('the client never noticed its backend was terminated');
}
