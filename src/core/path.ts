import { InvalidChangeError } from './errors/invalid-change-error.js';

/**
 * A path to a field: `'metadata.mirrors'` (dot-separated) or `['metadata', 'mirrors']`
 * (use the array form when a key contains a dot). The first segment names a top-level
 * field (a column); further segments go inside that field's JSON object.
 * Segments address object keys only; arrays are values (see `add` / `remove`).
 */
export type Path = string | readonly string[];

/** Keys that would let a patch reach an object's prototype. Rejected at any depth. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_SEGMENT_LENGTH = 256;
const MAX_DEPTH = 32;

/** A lone UTF-16 surrogate: not Unicode text, so no database stores it as it was (UTF-8 turns it into U+FFFD). */
export const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why a key cannot be used, or `undefined` when it can. Besides prototype keys, a key
 * must be non-empty, at most 256 characters, well-formed Unicode, and free of `"`, `\`
 * and control characters (so every store can address it in its JSON path syntax).
 *
 * @example
 * ```ts
 * keyProblem('__proto__'); // 'forbidden_key'
 * keyProblem('title');     // undefined
 * ```
 */
export function keyProblem(key: string): 'forbidden_key' | 'bad_path' | undefined {
  if (FORBIDDEN_KEYS.has(key)) return 'forbidden_key';
  if (key.length === 0 || key.length > MAX_SEGMENT_LENGTH) return 'bad_path';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
  if (/["\\\u0000-\u001f]/.test(key) || LONE_SURROGATE.test(key)) return 'bad_path';
  return undefined;
}

/**
 * Parses and validates a path into its segments.
 *
 * @example
 * ```ts
 * parsePath('metadata.mirrors');        // ['metadata', 'mirrors']
 * parsePath(['a.b', 'c']);              // ['a.b', 'c']
 * parsePath('a.__proto__.x');           // throws InvalidChangeError (forbidden_key)
 * ```
 */
export function parsePath(path: unknown, options: { allowRoot?: boolean } = {}): readonly string[] {
  let segments: readonly unknown[];
  if (typeof path === 'string') segments = path === '' ? [] : path.split('.');
  else if (Array.isArray(path)) segments = path;
  else throw new InvalidChangeError('A path must be a string or an array of strings', { reason: 'bad_path' });
  if (segments.length === 0 && !options.allowRoot) {
    throw new InvalidChangeError('The path is empty', { reason: 'bad_path', path: [] });
  }
  if (segments.length > MAX_DEPTH) {
    throw new InvalidChangeError(`The path is deeper than ${MAX_DEPTH}`, { reason: 'bad_path' });
  }
  for (const segment of segments) {
    if (typeof segment !== 'string') {
      throw new InvalidChangeError('Path segments must be strings', { reason: 'bad_path' });
    }
    const problem = keyProblem(segment);
    if (problem) {
      throw new InvalidChangeError(
        problem === 'forbidden_key'
          ? `The key "${segment}" is not allowed`
          : `The path segment ${JSON.stringify(segment)} is not valid`,
        { reason: problem, path: segments as string[] },
      );
    }
  }
  return segments as readonly string[];
}

/**
 * The display form of a parsed path (`metadata.mirrors`).
 *
 * @example
 * ```ts
 * formatPath(['metadata', 'mirrors']); // 'metadata.mirrors'
 * ```
 */
export function formatPath(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}
