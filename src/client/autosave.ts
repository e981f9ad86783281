import { merge3 } from '../core/merge3.js';
import type { Resource } from './resource.js';
import type { ResourceState } from './resource-options.js';
import type { Version } from './wire.js';

/** Options of {@link autosave}. */
export interface AutosaveOptions {
  /** Quiet time after the last edit before saving. Default 500 ms. */
  readonly debounceMs?: number;
  /** BroadcastChannel name shared by this resource's tabs; `false` to disable. Default `noclobber:<url>`. */
  readonly channel?: string | false;
}

/** What a UI reads from an autosave. */
export interface AutosaveState<T> {
  /** The value to show: mine, including unsaved edits — and the resolved value once a conflict is resolved. */
  readonly value: T | undefined;
  readonly dirty: boolean;
  readonly saving: boolean;
  /** A conflict holds my change in the ConflictStore; saving waits until it is resolved or dismissed. */
  readonly held: boolean;
  /** The last save's failure (a refused request or a network error), until the next save. */
  readonly error?: unknown;
}

/** A draft saved in the background. */
export interface Autosave<T> {
  edit(update: T | ((value: T) => T)): void;
  flush(): Promise<void>;
  dispose(): void;
  subscribe(listener: () => void): () => void;
  getSnapshot(): AutosaveState<T>;
}

interface Broadcast<T> {
  readonly value: T;
  readonly etag: string | undefined;
  readonly version?: Version | undefined;
}

/**
 * Autosaves a draft: coalesces edits (debounced), keeps one save in flight at a time, and
 * saves through `resource.save(mine, base)` — so only the fields the user changed are sent
 * (a merge patch conditioned on the version), a concurrent save elsewhere is merged field
 * by field and element by element, and only real conflicts reach the ConflictStore. Every
 * version this tab learns from the server — its own saves, a resolved conflict, a re-read
 * after a 412 — is told to the other tabs over a BroadcastChannel; they adopt it at once,
 * rebasing unsaved edits on it. A value that
 * arrives from elsewhere — another tab, a resolution — replaces what is shown, so an input
 * never keeps a value the user discarded. Flushes when the page is hidden.
 * @example
 * ```ts
 * const draft = resource<Draft>('/drafts/1', { conflicts });
 * await draft.get();
 * const saver = autosave(draft, { debounceMs: 400 });
 * input.oninput = () => saver.edit((d) => ({ ...d, title: input.value }));
 * ```
 */
export function autosave<T extends object>(res: Resource<T>, options: AutosaveOptions = {}): Autosave<T> {
  const debounceMs = options.debounceMs ?? 500;
  let known = res.getSnapshot().value; // the server value last taken in
  let base = known; // what `mine` was edited from
  let mine = base;
  let dirty = false;
  let saving = false;
  let held = false;
  let error: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let state: AutosaveState<T> = { value: mine, dirty, saving, held };
  const listeners = new Set<() => void>();
  const emit = () => {
    state = { value: mine, dirty, saving, held, ...(error === undefined ? {} : { error }) };
    for (const l of listeners) l();
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = dirty && !held ? setTimeout(() => void save(), debounceMs) : undefined;
  };

  /** Unsaved edits (made from `from`) moved onto a newer server value; kept as they are when they clash. */
  const rebase = (from: T, next: T) => {
    const merged = merge3(from, mine as T, next, res.mergeOptions);
    if (merged.conflicts.length === 0) [base, mine] = [next, merged.value];
    else base = from; // save() will meet the clash and hand it to the ConflictStore
  };

  // A value from elsewhere: another tab's save (adopted), or a conflict resolved / dismissed.
  const reconcile = () => {
    const s = res.getSnapshot();
    if (saving || s.conflict || s.status !== 'idle' || s.value === undefined || (s.value === known && !held)) return;
    known = s.value;
    held = false;
    if (!dirty) base = mine = known;
    else rebase(base as T, known);
    emit();
    schedule();
  };
  const unsubscribe = res.subscribe(reconcile);

  const channel =
    options.channel === false || typeof BroadcastChannel === 'undefined'
      ? undefined
      : new BroadcastChannel(options.channel ?? `noclobber:${res.url}`);
  const unconfirmed = res.onConfirmed((s: ResourceState<T>) =>
    channel?.postMessage({ value: s.value, etag: s.etag, version: s.version } satisfies Broadcast<T | undefined>),
  );
  if (channel) {
    channel.onmessage = (event: MessageEvent<Broadcast<T>>) => {
      const status = res.getSnapshot().status;
      if (status === 'idle' || status === 'error') res.adopt(event.data.value, event.data.etag, event.data.version);
    };
  }

  const save = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (saving || held || !dirty || mine === undefined || base === undefined) return;
    saving = true;
    error = undefined;
    const sent = mine;
    emit();
    try {
      const outcome = await res.save(sent, base);
      if (outcome === 'saved') {
        known = res.getSnapshot().value;
        if (mine === sent) {
          base = mine = known;
          dirty = false;
        } else rebase(sent, known as T); // edits made while saving go on top of what was saved
      } else {
        held = true; // the ConflictStore owns `sent` now; later edits wait on top of it
        base = sent;
        dirty = mine !== sent;
      }
    } catch (e) {
      error = e;
    } finally {
      saving = false;
      emit();
      if (error === undefined) schedule();
      reconcile();
    }
  };

  const onHide = () => {
    if (typeof document === 'undefined' || document.visibilityState === 'hidden') void save();
  };
  globalThis.addEventListener?.('visibilitychange', onHide);
  globalThis.addEventListener?.('pagehide', onHide);

  return {
    edit(update) {
      const current = mine ?? res.getSnapshot().value;
      if (current === undefined) throw new Error('autosave: read the resource (get) before editing');
      mine = typeof update === 'function' ? (update as (v: T) => T)(current) : update;
      if (base === undefined) base = known = current;
      dirty = true;
      emit();
      schedule();
    },
    flush: save,
    dispose() {
      if (timer) clearTimeout(timer);
      unsubscribe();
      unconfirmed();
      channel?.close();
      globalThis.removeEventListener?.('visibilitychange', onHide);
      globalThis.removeEventListener?.('pagehide', onHide);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => state,
  };
}
