/**
 * `noclobber/react`: `useResource` and `useConflicts` through `useSyncExternalStore`.
 * @example
 * ```tsx
 * import { useResource, useConflicts } from 'noclobber/react';
 * ```
 */
export { useConflicts, useResource } from './react/use-resource.js';
