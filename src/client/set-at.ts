import { isPlainObject } from '../core/json.js';
import { parseElementSegment } from '../core/merge3.js';
import { FORBIDDEN_KEYS } from '../core/path.js';

/**
 * Writes `value` at a merge-conflict path inside `root` (mutating it): object keys, and
 * identity-list elements named by their element segment (replaced, appended when absent,
 * removed for `undefined`). Prototype keys are never written.
 * @example
 * ```ts
 * setAt(draft, ['sections', '{"id":"s1"}', 'title'], 'Hello');
 * ```
 */
export function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string;
    const last = i === path.length - 1;
    const el = parseElementSegment(seg);
    if (el && Array.isArray(node)) {
      let at = node.findIndex((e) => isPlainObject(e) && e[el.field] === el.id);
      if (last) {
        if (value === undefined) {
          if (at >= 0) node.splice(at, 1);
        } else if (at >= 0) node[at] = value;
        else node.push(value);
        return;
      }
      if (at < 0) at = node.push({ [el.field]: el.id }) - 1;
      node = node[at];
      continue;
    }
    if (FORBIDDEN_KEYS.has(seg) || !isPlainObject(node)) return;
    const obj = node as Record<string, unknown>;
    if (last) {
      if (value === undefined) delete obj[seg];
      else obj[seg] = value;
      return;
    }
    if (!isPlainObject(obj[seg]) && !(parseElementSegment(path[i + 1] as string) && Array.isArray(obj[seg])))
      obj[seg] = {};
    node = obj[seg];
  }
}
