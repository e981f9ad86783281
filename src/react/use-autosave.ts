import { useSyncExternalStore } from 'react';
import type { Autosave, AutosaveState } from '../client/autosave.js';

/**
 * The autosave's state — the value to show (mine, with unsaved edits; the resolved value
 * after a conflict is resolved, here or in another tab), `dirty`, `saving`, `held` —
 * re-rendering when it changes. Bind inputs to `value` (controlled), so a focused input
 * shows a value that arrives from elsewhere instead of keeping a discarded one.
 * @example
 * ```tsx
 * const { value } = useAutosave(saver);
 * return <input value={value?.title ?? ''} onChange={(e) => saver.edit((d) => ({ ...d, title: e.target.value }))} />;
 * ```
 */
export function useAutosave<T extends object>(saver: Autosave<T>): AutosaveState<T> {
  return useSyncExternalStore(saver.subscribe, saver.getSnapshot, saver.getSnapshot);
}
