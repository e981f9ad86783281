export { type Autosave, type AutosaveOptions, type AutosaveState, autosave } from './autosave.js';
export { ClientError } from './client-error.js';
export { type ConflictEntry, ConflictStore, type Resolution } from './conflict-store.js';
export { type Change, diffChange } from './diff.js';
export { type Resource, resource } from './resource.js';
export type { Intent, ResourceOptions, ResourceState } from './resource-options.js';
export type { Version, WireOptions } from './wire.js';
