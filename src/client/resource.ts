import { applyOps } from '../core/apply-ops.js';
import { cloneJson, isPlainObject, jsonEqual } from '../core/json.js';
import { type Merge3Options, type MergeConflict, merge3 } from '../core/merge3.js';
import type { Op } from '../core/ops.js';
import { ClientError } from './client-error.js';
import type { ConflictEntry, Resolution } from './conflict-store.js';
import { type Change, diffChange } from './diff.js';
import type { Intent, ResourceOptions, ResourceState } from './resource-options.js';
import { setAt } from './set-at.js';
import { exchange, isVersionConflict, type Version, type WireRequest, type WireResponse } from './wire.js';

const MEDIA = { merge: 'application/merge-patch+json', ops: 'application/vnd.noclobber.ops+json' } as const;
let nextConflictId = 1;

/**
 * A versioned resource over HTTP (the `noclobber/http` wire protocol): remembers the value
 * and ETag (or body version) it read and conditions every write on it. A write sends only
 * what the user changed — a merge patch (or ops) over the changed paths, never the whole
 * record — so fields that other code writes are never reverted, even by a writer that does
 * not bump the version. When the version moved (412/409) it re-reads and replays the
 * intent, or merges three-way (`save`); what needs a person — a field changed on both
 * sides, or a retry budget spent — goes to the ConflictStore with base, mine and theirs.
 * Uses web-standard globals only.
 * @example
 * ```ts
 * const doc = resource<Draft>('/drafts/42', { conflicts });
 * await doc.get();
 * await doc.mutate((d) => ({ ...d, title: 'New title' })); // PATCH {"title":"New title"} with If-Match
 * ```
 */
export class Resource<T extends object> {
  readonly url: string;
  readonly #options: ResourceOptions;
  #state: ResourceState<T> = { value: undefined, etag: undefined, status: 'idle' };
  readonly #listeners = new Set<() => void>();
  readonly #confirmedListeners = new Set<(state: ResourceState<T>) => void>();

  constructor(url: string, options: ResourceOptions = {}) {
    // Without If-Match and without a body version a write would be conditioned on nothing.
    if (options.ifMatch === false && !options.versionField)
      throw new TypeError('noclobber/client: ifMatch: false needs versionField');
    this.url = url;
    this.#options = options;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ResourceState<T> => this.#state;

  /** The merge options this resource's three-way merges use (list identities). */
  get mergeOptions(): Merge3Options {
    return this.#options.identity ? { identity: this.#options.identity } : {};
  }

  /**
   * Called whenever the server confirmed a value and version to this resource — a read, or
   * a write it made (a save, a mutation, a resolved conflict). Not for `adopt`.
   */
  onConfirmed(listener: (state: ResourceState<T>) => void): () => void {
    this.#confirmedListeners.add(listener);
    return () => this.#confirmedListeners.delete(listener);
  }

  #set(next: Partial<ResourceState<T>>): void {
    this.#state = { ...this.#state, ...next };
    for (const l of this.#listeners) l();
  }

  #send(req: Omit<WireRequest, 'etag' | 'version'>): Promise<WireResponse> {
    // Only a write is conditioned on what was read: a read wants the current value whatever it is
    // (If-Match on a GET is judged too, RFC 9110 §13.1.1, so a stale ETag would turn the refresh after a 412 into another 412).
    if (req.method === 'GET') return exchange(this.url, this.#options, req);
    return exchange(this.url, this.#options, { ...req, etag: this.#state.etag, version: this.#state.version });
  }

  #fail(r: WireResponse, conflict?: ConflictEntry): never {
    const problem = isPlainObject(r.body) ? r.body : undefined;
    const error = new ClientError(
      String(problem?.detail ?? problem?.title ?? `HTTP ${r.status}`),
      r.status,
      problem,
      conflict,
    );
    this.#set({ status: conflict ? 'conflict' : 'error', error });
    throw error;
  }

  /** The status at rest: `conflict` while a change waits in the ConflictStore. */
  #rest(): 'idle' | 'conflict' {
    return this.#state.conflict ? 'conflict' : 'idle';
  }

  #pause(attempt: number): Promise<void> {
    const ceiling = Math.min(this.#options.capMs ?? 1000, (this.#options.baseMs ?? 50) * 2 ** (attempt - 1));
    return new Promise((r) => setTimeout(r, Math.random() * ceiling));
  }

  #confirmed(r: WireResponse): T {
    this.#set({ value: r.value as T, etag: r.etag, version: r.version, status: this.#rest(), error: undefined });
    for (const l of this.#confirmedListeners) l(this.#state);
    return r.value as T;
  }

  /** Reads the resource; its value becomes the base of the next write. */
  async get(): Promise<T> {
    this.#set({ status: 'loading' });
    const r = await this.#send({ method: 'GET' });
    if (r.status !== 200) this.#fail(r);
    return this.#confirmed(r);
  }

  /** Takes a value and ETag (and body version) learned elsewhere (another tab's save). */
  adopt(value: T, etag: string | undefined, version?: Version): void {
    this.#set({ value, etag, version, status: this.#rest(), error: undefined });
  }

  /** Sends a change conditioned on the version read; a 2xx without a body is followed by a read. */
  async #write(change: Change): Promise<WireResponse> {
    this.#set({ status: 'saving' });
    const body = change.kind === 'merge' ? change.patch : change.ops;
    const r = await this.#send({ method: 'PATCH', body, contentType: MEDIA[change.kind] });
    if (r.status >= 200 && r.status < 300 && r.body === undefined) {
      const read = await this.#send({ method: 'GET' });
      return read.status === 200 ? read : r;
    }
    return r;
  }

  /**
   * Applies the intent conditioned on the version read; on 412/409 re-reads and re-runs it
   * on the fresh version, with bounded full-jitter backoff. Ops go as they are; a
   * function's result goes as the change it made (a merge patch), never the whole value.
   * When the budget runs out the change goes to the ConflictStore and the ClientError
   * thrown carries its entry.
   */
  async mutate(intent: Intent<T>): Promise<T> {
    if (this.#state.value === undefined) await this.get();
    const attempts = this.#options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const base = this.#state.value as T;
      const next = typeof intent === 'function' ? intent(cloneJson(base)) : undefined;
      const change: Change | undefined =
        next === undefined
          ? { kind: 'ops', ops: intent as readonly Op[] }
          : diffChange(base, next, this.#options.patch);
      if (!change) return base;
      const r = await this.#write(change);
      if (r.status >= 200 && r.status < 300) return this.#confirmed(r);
      if (!isVersionConflict(r, this.#options)) this.#fail(r);
      if (attempt >= attempts) {
        const mine = next ?? (applyOps(base as Record<string, unknown>, intent as readonly Op[]) as T);
        this.#fail(r, await this.#exhausted(base, mine));
      }
      await this.#pause(attempt);
      await this.get();
    }
  }

  /**
   * Saves `mine`, an edit of `base`, sending only what differs. If the server's value moved
   * (known already, or learned from a 412/409), merges three-way: disjoint changes — other
   * fields, other list elements — merge without asking; fields changed on both sides go to
   * the ConflictStore (resolved there and resubmitted against their version — never forced),
   * and so does the change when the retry budget runs out. Resolves to 'saved' or 'conflict'.
   */
  async save(mine: T, base: T): Promise<'saved' | 'conflict'> {
    if (this.#state.value === undefined) await this.get();
    const attempts = this.#options.attempts ?? 3;
    let [candidate, from] = [mine, base];
    for (let attempt = 1; ; attempt++) {
      const known = this.#state.value as T;
      if (!jsonEqual(from, known)) {
        const merged = merge3(from, candidate, known, this.mergeOptions);
        if (merged.conflicts.length > 0) {
          this.#queue('merge', from, candidate, known, merged.value, merged.conflicts);
          return 'conflict';
        }
        [candidate, from] = [merged.value, known];
      }
      const change = diffChange(from, candidate, this.#options.patch);
      if (!change) {
        this.#set({ status: this.#rest(), error: undefined });
        return 'saved';
      }
      const r = await this.#write(change);
      if (r.status >= 200 && r.status < 300) {
        this.#confirmed(r);
        return 'saved';
      }
      if (!isVersionConflict(r, this.#options)) this.#fail(r);
      if (attempt >= attempts) {
        await this.#exhausted(from, candidate);
        return 'conflict';
      }
      await this.#pause(attempt);
      await this.get();
    }
  }

  /** The retry budget ran out: keep the change for a person, with the server's latest value. */
  async #exhausted(base: T, mine: T): Promise<ConflictEntry | undefined> {
    const theirs = await this.get();
    const merged = merge3(base, mine, theirs, this.mergeOptions);
    return this.#queue('exhausted', base, mine, theirs, merged.value, merged.conflicts);
  }

  #queue(
    reason: ConflictEntry['reason'],
    base: T,
    mine: T,
    theirs: T,
    merged: T,
    conflicts: readonly MergeConflict[],
  ): ConflictEntry | undefined {
    const store = this.#options.conflicts;
    if (!store) {
      this.#set({ status: 'conflict' });
      return undefined;
    }
    const id = nextConflictId++;
    // Resolving keeps status `conflict` until its save starts, so no one reads the unresolved value as settled.
    const release = (settle: boolean) => {
      store.remove(id);
      if (this.#state.conflict?.id !== id) return;
      this.#set({
        conflict: undefined,
        ...(settle && this.#state.status === 'conflict' ? { status: 'idle' as const } : {}),
      });
    };
    const entry: ConflictEntry<T> = {
      id,
      url: this.url,
      reason,
      base,
      mine,
      theirs,
      conflicts,
      resolve: async (choices: Readonly<Record<string, Resolution>> = {}) => {
        const value = cloneJson(merged) as Record<string, unknown>;
        for (const c of conflicts) {
          const choice = choices[c.path.join('.')] ?? 'theirs';
          setAt(value, c.path, cloneJson(choice === 'mine' ? c.mine : choice === 'theirs' ? c.theirs : choice.value));
        }
        release(false);
        return this.save(value as T, theirs);
      },
      dismiss: () => release(true),
    };
    this.#set({ status: 'conflict', conflict: entry });
    store.add(entry as ConflictEntry);
    return entry as ConflictEntry;
  }
}

/**
 * Creates a {@link Resource}.
 * @example
 * ```ts
 * const draft = resource<Draft>(`/tenants/${id}/draft`, { conflicts, versionField: 'version' });
 * ```
 */
export function resource<T extends object>(url: string, options?: ResourceOptions): Resource<T> {
  return new Resource<T>(url, options);
}
