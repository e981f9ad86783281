/** A parsed entity tag. */
export interface EntityTag {
  readonly weak: boolean;
  /** The opaque-tag without quotes. */
  readonly opaque: string;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, '0');
}

/**
 * The strong ETag of a resource at a version: bound to BOTH, so another resource's ETag
 * never matches even at the same version number.
 * @example
 * ```ts
 * formatETag('subscriptions/42', '7'); // '"1x3k9q2.7"'
 * ```
 */
export function formatETag(resourceId: string, version: string): string {
  return `"${fnv1a(resourceId)}.${version}"`;
}

/**
 * The version an ETag names for this resource, or undefined when the tag belongs to another
 * resource (or is weak: weak tags never match in If-Match).
 * @example
 * ```ts
 * versionOf({ weak: false, opaque: '1x3k9q2.7' }, 'subscriptions/42'); // '7'
 * ```
 */
export function versionOf(tag: EntityTag, resourceId: string): string | undefined {
  if (tag.weak) return undefined;
  const prefix = `${fnv1a(resourceId)}.`;
  return tag.opaque.startsWith(prefix) && tag.opaque.length > prefix.length ? tag.opaque.slice(prefix.length) : undefined;
}

/**
 * Parses an `If-Match` / `If-None-Match` value (RFC 9110 §8.8.3, §13.1.1): `*` or a
 * comma-separated list of entity-tags. Returns undefined when the value is malformed.
 * @example
 * ```ts
 * parseEntityTags('"a.1", W/"b.2"'); // [{ weak: false, opaque: 'a.1' }, { weak: true, opaque: 'b.2' }]
 * parseEntityTags('*');              // '*'
 * ```
 */
export function parseEntityTags(value: string): '*' | EntityTag[] | undefined {
  const text = value.trim();
  if (text === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t' || text[i] === ',') i++;
    if (i >= text.length) break;
    let weak = false;
    if (text.startsWith('W/', i)) {
      weak = true;
      i += 2;
    }
    if (text[i] !== '"') return undefined;
    const end = text.indexOf('"', i + 1);
    if (end === -1) return undefined;
    const opaque = text.slice(i + 1, end);
    // etagc = %x21 / %x23-7E / obs-text
    if (!/^[\x21\x23-\x7e\x80-\xff]*$/.test(opaque)) return undefined;
    tags.push({ weak, opaque });
    i = end + 1;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i < text.length && text[i] !== ',') return undefined;
  }
  return tags.length > 0 ? tags : undefined;
}
