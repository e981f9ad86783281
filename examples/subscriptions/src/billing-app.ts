import { Hono } from 'hono';
import type { Collection, Row } from 'noclobber';
import { honoResource, problemJson } from 'noclobber/hono';
import type { ForceEvent } from 'noclobber/http';

/** The collections the API serves, and the audit log of forced writes (same database). */
export interface BillingCollections {
  readonly subscriptions: Collection<Row>;
  readonly invoices: Collection<Row>;
  readonly plans: Collection<Row>;
  readonly audit: Collection<Row>;
}

/** The seed's problem code for a stale version. */
export const CONFLICT_VERSION_MISMATCH = 'CONFLICT_VERSION_MISMATCH';

/**
 * The audit entry of a forced write: who (`x-user`, demo authentication), what, and the
 * version it replaced and wrote. Without an actor the `NOT NULL` column refuses the entry,
 * and with it the forced write (one transaction).
 */
function auditEntry(e: ForceEvent): Row {
  return {
    id: crypto.randomUUID(),
    resource: e.resourceId,
    method: e.method,
    previous_version: e.previousVersion ?? null,
    new_version: e.version ?? null,
    actor: e.request.headers.get('x-user'),
    at: e.at,
  };
}

/**
 * Seed 003's API: subscriptions, invoices and plans, each a versioned resource. Every
 * representation carries its version as `"version"` in the body (and as the ETag); a
 * client sends it back in the body, and a stale one is a 409 whose problem `code` is the
 * seed's `CONFLICT_VERSION_MISMATCH`, carrying the current `version` (an `If-Match` ETag
 * works too: stale → 412, same code). `?force=true` is honoured for admins only, and its
 * audit entry is written in the forced write's own transaction: no entry, no write.
 * Mounted with `app.all`, each resource also answers OPTIONS, HEAD and 405 itself.
 * @example
 * ```ts
 * const app = billingApp(openSqliteBilling(db));
 * serve({ fetch: app.fetch, port: 8787 });
 * ```
 */
export function billingApp(c: BillingCollections): Hono {
  const app = new Hono();
  app.use(problemJson() as never);
  for (const name of ['subscriptions', 'invoices', 'plans'] as const) {
    const route = honoResource({
      collection: c[name],
      name,
      bodyVersion: 'version',
      conflictCode: CONFLICT_VERSION_MISMATCH,
      // Demo authentication: a real service derives the role and user from its session.
      exposeCurrent: (req) => req.headers.get('x-role') !== null,
      authorizeForce: (req) => req.headers.get('x-role') === 'admin',
      audit: { collection: c.audit, entry: auditEntry },
    });
    app.all(`/${name}/:id`, route as never);
  }
  return app;
}
