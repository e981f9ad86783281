export { type Autosave, type AutosaveOptions, type AutosaveState, autosave } from './autosave.js';
export { ClientError } from './client-error.js';
export { type ConflictEntry, ConflictStore, type Resolution } from './conflict-store.js';
export { type Change, diffChange } from './diff.js';
export { type Intent, type Resource, type ResourceOptions, type ResourceState, resource } from './resource.js';
export type { Version, WireOptions } from './wire.js';
