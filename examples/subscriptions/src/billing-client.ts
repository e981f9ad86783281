import { type ConflictStore, type Resource, resource } from 'noclobber/client';
import { CONFLICT_VERSION_MISMATCH } from './billing-app.js';

/** A subscription as the API shows it (the version travels beside it, not in it). */
export interface Subscription {
  [field: string]: unknown;
  id: string;
  customer: string;
  plan_id: string;
  status: string;
  notes: string;
}

/** How a client reaches the API. */
export interface BillingClientOptions {
  /** Where the changes that outlive their retries wait for a person (the seed's conflict store). */
  readonly conflicts: ConflictStore;
  /** Attempts per change on a version conflict (the seed: 3). */
  readonly attempts?: number;
  readonly fetch?: typeof fetch;
}

/**
 * The seed's `withConflictResolution`, as `noclobber/client`: a subscription whose writes
 * carry the version read in the body (no `If-Match`), retried on the seed's 409
 * `CONFLICT_VERSION_MISMATCH` — re-read, the intent replayed on the fresh version, with
 * full-jitter backoff — and, when the attempts run out, put in the ConflictStore with base,
 * mine and theirs for manual resolution. A write sends only the fields the intent changed.
 * @example
 * ```ts
 * const conflicts = new ConflictStore();
 * const sub = subscriptionClient('https://billing.example/subscriptions/sub_1', { conflicts });
 * await sub.mutate((s) => ({ ...s, notes: 'customer called' }));
 * ```
 */
export function subscriptionClient(url: string, options: BillingClientOptions): Resource<Subscription> {
  return resource<Subscription>(url, {
    versionField: 'version',
    conflictCode: CONFLICT_VERSION_MISMATCH,
    ifMatch: false,
    attempts: options.attempts ?? 3,
    conflicts: options.conflicts,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
