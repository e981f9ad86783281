import { cloneJson, isPlainObject } from '../core/json.js';
import { merge3 } from '../core/merge3.js';
import type { Op } from '../core/ops.js';
import { ClientError } from './client-error.js';
import type { ConflictStore, Resolution } from './conflict-store.js';

/** What a resource knows: the last value the server confirmed, and its ETag. */
export interface ResourceState<T> {
  readonly value: T | undefined;
  readonly etag: string | undefined;
  readonly status: 'idle' | 'loading' | 'saving' | 'conflict' | 'error';
  readonly error?: unknown;
}

/** The user's intent: ops, or a pure function from the current value to the next. */
export type Intent<T> = readonly Op[] | ((value: T) => T);

/** Options of {@link resource}. */
export interface ResourceOptions {
  readonly fetch?: typeof fetch;
  /** Attempts for `mutate` / `save` when the version moved. Default 3. */
  readonly attempts?: number;
  /** Backoff ceiling for the first retry, doubled each time, full jitter. Default 50 ms. */
  readonly baseMs?: number;
  readonly capMs?: number;
  /** Where conflicts that need a person go. */
  readonly conflicts?: ConflictStore;
  readonly headers?: Readonly<Record<string, string>>;
}

let nextConflictId = 1;

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const k of path.slice(0, -1)) {
    if (!isPlainObject(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/**
 * A versioned resource over HTTP (the `noclobber/http` wire protocol): remembers the value
 * and ETag it read, sends `If-Match` on every write, and when the version moved (412/409)
 * re-reads and REPLAYS THE INTENT on the fresh version — it never resends a stale payload.
 * `save(mine, base)` merges field by field with what others saved; only a field changed on
 * both sides goes to the ConflictStore for a person. Uses web-standard globals only.
 * @example
 * ```ts
 * const doc = resource<Draft>('/drafts/42', { conflicts });
 * await doc.get();
 * await doc.mutate((d) => ({ ...d, title: 'New title' }));
 * ```
 */
export class Resource<T extends object> {
  readonly url: string;
  readonly #options: ResourceOptions;
  #state: ResourceState<T> = { value: undefined, etag: undefined, status: 'idle' };
  readonly #listeners = new Set<() => void>();

  constructor(url: string, options: ResourceOptions = {}) {
    this.url = url;
    this.#options = options;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ResourceState<T> => this.#state;

  #set(next: Partial<ResourceState<T>>): void {
    this.#state = { ...this.#state, ...next };
    for (const l of this.#listeners) l();
  }

  async #send(
    method: string,
    body?: unknown,
    contentType = 'application/json',
    etag?: string,
  ): Promise<{ status: number; etag: string | undefined; json: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.#options.headers };
    if (body !== undefined) headers['content-type'] = contentType;
    if (etag) headers['if-match'] = etag;
    const res = await (this.#options.fetch ?? fetch)(this.url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag') ?? undefined, json: text ? JSON.parse(text) : undefined };
  }

  #fail(status: number, json: unknown): never {
    const problem = isPlainObject(json) ? json : undefined;
    const error = new ClientError(String(problem?.detail ?? problem?.title ?? `HTTP ${status}`), status, problem);
    this.#set({ status: 'error', error });
    throw error;
  }

  #pause(attempt: number): Promise<void> {
    const ceiling = Math.min(this.#options.capMs ?? 1000, (this.#options.baseMs ?? 50) * 2 ** (attempt - 1));
    return new Promise((r) => setTimeout(r, Math.random() * ceiling));
  }

  /** Reads the resource; its value becomes the base of the next write. */
  async get(): Promise<T> {
    this.#set({ status: 'loading' });
    const r = await this.#send('GET');
    if (r.status !== 200) this.#fail(r.status, r.json);
    this.#set({ value: r.json as T, etag: r.etag, status: 'idle', error: undefined });
    return r.json as T;
  }

  /** Takes a value and ETag learned elsewhere (another tab's save). */
  adopt(value: T, etag: string): void {
    this.#set({ value, etag, status: 'idle', error: undefined });
  }

  /**
   * Applies the intent with `If-Match`; on 412/409 re-reads and re-runs it on the fresh
   * version, with bounded full-jitter backoff. Ops go as a PATCH, a function's result as a PUT.
   */
  async mutate(intent: Intent<T>): Promise<T> {
    if (!this.#state.etag) await this.get();
    const attempts = this.#options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      this.#set({ status: 'saving' });
      const r =
        typeof intent === 'function'
          ? await this.#send('PUT', intent(cloneJson(this.#state.value as T)), 'application/json', this.#state.etag)
          : await this.#send('PATCH', intent, 'application/vnd.noclobber.ops+json', this.#state.etag);
      if (r.status === 200) {
        this.#set({ value: r.json as T, etag: r.etag, status: 'idle', error: undefined });
        return r.json as T;
      }
      if ((r.status !== 412 && r.status !== 409) || attempt >= attempts) this.#fail(r.status, r.json);
      await this.#pause(attempt);
      await this.get();
    }
  }

  /**
   * Saves `mine`, an edit of `base`. If others saved meanwhile, merges field by field:
   * disjoint changes merge without asking; fields changed on both sides go to the
   * ConflictStore (resolved there and resubmitted against their version — never forced).
   * Resolves to 'saved' or 'conflict'.
   */
  async save(mine: T, base: T): Promise<'saved' | 'conflict'> {
    const attempts = this.#options.attempts ?? 3;
    let candidate = mine;
    let from = base;
    for (let attempt = 1; ; attempt++) {
      this.#set({ status: 'saving' });
      const r = await this.#send('PUT', candidate, 'application/json', this.#state.etag);
      if (r.status === 200) {
        this.#set({ value: r.json as T, etag: r.etag, status: 'idle', error: undefined });
        return 'saved';
      }
      if ((r.status !== 412 && r.status !== 409) || attempt >= attempts) this.#fail(r.status, r.json);
      const theirs = await this.get();
      const merged = merge3(from, candidate, theirs);
      if (merged.conflicts.length > 0) {
        this.#queueConflict(from, candidate, theirs, merged.value, merged.conflicts);
        return 'conflict';
      }
      candidate = merged.value;
      from = theirs;
    }
  }

  #queueConflict(base: T, mine: T, theirs: T, merged: T, conflicts: ReturnType<typeof merge3>['conflicts']): void {
    this.#set({ status: 'conflict' });
    const store = this.#options.conflicts;
    if (!store) return;
    const id = nextConflictId++;
    store.add({
      id,
      url: this.url,
      base,
      mine,
      theirs,
      conflicts,
      resolve: async (choices: Readonly<Record<string, Resolution>>) => {
        const value = cloneJson(merged) as Record<string, unknown>;
        for (const c of conflicts) {
          const choice = choices[c.path.join('.')] ?? 'theirs';
          setPath(value, c.path, choice === 'mine' ? cloneJson(c.mine) : choice === 'theirs' ? cloneJson(c.theirs) : cloneJson(choice.value));
        }
        store.remove(id);
        await this.save(value as T, theirs);
      },
      dismiss: () => {
        store.remove(id);
        this.#set({ status: 'idle' });
      },
    });
  }
}

/**
 * Creates a {@link Resource}.
 * @example
 * ```ts
 * const draft = resource<Draft>(`/drafts/${id}`, { conflicts });
 * ```
 */
export function resource<T extends object>(url: string, options?: ResourceOptions): Resource<T> {
  return new Resource<T>(url, options);
}
