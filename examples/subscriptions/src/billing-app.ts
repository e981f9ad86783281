import { Hono } from 'hono';
import type { Collection, Row } from 'noclobber';
import { honoResource, problemJson } from 'noclobber/hono';
import type { ForceEvent } from 'noclobber/http';

/** The collections the API serves. */
export interface BillingCollections {
  readonly subscriptions: Collection<Row>;
  readonly invoices: Collection<Row>;
  readonly plans: Collection<Row>;
}

/**
 * Seed 003's API: subscriptions, invoices and plans, each a versioned resource. Every
 * representation carries its version twice, as the ETag and as `"version"` in the body;
 * a client sends the version it read back either as `If-Match` (stale → 412) or as
 * `"version"` in the body (stale → 409, the seed's CONFLICT_VERSION_MISMATCH);
 * `?force=true` is honoured for admins only and every forced write lands in `audit`.
 * Mounted with `app.all`, each resource also answers OPTIONS, HEAD and 405 itself.
 * @example
 * ```ts
 * const app = billingApp(collections, auditLog);
 * serve({ fetch: app.fetch, port: 8787 });
 * ```
 */
export function billingApp(c: BillingCollections, audit: ForceEvent[]): Hono {
  const app = new Hono();
  app.use(problemJson() as never);
  for (const name of ['subscriptions', 'invoices', 'plans'] as const) {
    const route = honoResource({
      collection: c[name],
      name,
      bodyVersion: 'version',
      // Demo authentication: a real service derives the role from its session.
      exposeCurrent: (req) => req.headers.get('x-role') !== null,
      authorizeForce: (req) => req.headers.get('x-role') === 'admin',
      onForce: (event) => void audit.push(event),
    });
    app.all(`/${name}/:id`, route as never);
  }
  return app;
}
