/**
 * `noclobber/react`: `useResource`, `useAutosave` and `useConflicts` through `useSyncExternalStore`.
 * @example
 * ```tsx
 * import { useAutosave, useConflicts, useResource } from 'noclobber/react';
 * ```
 */
export { useAutosave } from './react/use-autosave.js';
export { useConflicts, useResource } from './react/use-resource.js';
