import type { Resource } from './resource.js';

/** Options of {@link autosave}. */
export interface AutosaveOptions {
  /** Quiet time after the last edit before saving. Default 500 ms. */
  readonly debounceMs?: number;
  /** BroadcastChannel name shared by this resource's tabs; `false` to disable. Default `noclobber:<url>`. */
  readonly channel?: string | false;
}

/** What a UI reads from an autosave. */
export interface AutosaveState<T> {
  /** The value being edited (mine, including unsaved edits). */
  readonly value: T | undefined;
  readonly dirty: boolean;
  readonly saving: boolean;
}

/** A draft saved in the background. */
export interface Autosave<T> {
  edit(update: T | ((value: T) => T)): void;
  flush(): Promise<void>;
  dispose(): void;
  subscribe(listener: () => void): () => void;
  getSnapshot(): AutosaveState<T>;
}

/**
 * Autosaves a draft: coalesces edits (debounced), keeps one save in flight at a time,
 * tells other tabs about each new version over a BroadcastChannel so they adopt it at once
 * (fewer conflicts), and flushes when the page is hidden. Saves go through
 * `resource.save(mine, base)`, so a concurrent save elsewhere is merged field by field and
 * only real conflicts reach the ConflictStore.
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
  let base = res.getSnapshot().value;
  let mine = base;
  let dirty = false;
  let saving = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let state: AutosaveState<T> = { value: mine, dirty, saving };
  const listeners = new Set<() => void>();
  const emit = () => {
    state = { value: mine, dirty, saving };
    for (const l of listeners) l();
  };
  const channel =
    options.channel === false || typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(options.channel ?? `noclobber:${res.url}`);

  // A version saved anywhere (this tab after a conflict resolution, or another tab).
  const unsubscribe = res.subscribe(() => {
    const s = res.getSnapshot();
    if (s.status === 'idle' && s.value !== base && !saving) {
      base = s.value;
      if (!dirty) mine = base;
      emit();
    }
  });
  if (channel) {
    channel.onmessage = (event: MessageEvent<{ value: T; etag: string }>) => {
      if (dirty || saving) return; // my edits will be merged against it when I save
      res.adopt(event.data.value, event.data.etag);
    };
  }

  const save = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (saving || !dirty || mine === undefined || base === undefined) return;
    saving = true;
    const sent = mine;
    emit();
    try {
      const outcome = await res.save(sent, base);
      if (outcome === 'saved') {
        const s = res.getSnapshot();
        base = s.value;
        if (mine === sent) {
          mine = base;
          dirty = false;
        }
        channel?.postMessage({ value: s.value, etag: s.etag });
      } else {
        dirty = false; // the ConflictStore owns it now
      }
    } finally {
      saving = false;
      emit();
      if (dirty) timer = setTimeout(() => void save(), debounceMs);
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
      if (base === undefined) base = current;
      dirty = true;
      emit();
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void save(), debounceMs);
    },
    flush: save,
    dispose() {
      if (timer) clearTimeout(timer);
      unsubscribe();
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
