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
  return tag.weak ? undefined : taggedVersion(tag, resourceId);
}

/**
 * The version a tag names for this resource whether it is weak or strong — the weak
 * comparison of RFC 9110 §8.8.3.2 that `If-None-Match` uses — or undefined for another
 * resource's tag or a version no store writes (see {@link isWellFormedVersion}).
 * @example
 * ```ts
 * taggedVersion({ weak: true, opaque: '1x3k9q2.7' }, 'subscriptions/42'); // '7'
 * ```
 */
export function taggedVersion(tag: EntityTag, resourceId: string): string | undefined {
  const prefix = `${fnv1a(resourceId)}.`;
  if (!tag.opaque.startsWith(prefix)) return undefined;
  const version = tag.opaque.slice(prefix.length);
  return isWellFormedVersion(version) ? version : undefined;
}

/**
 * True for a string that can be a version: what the stores write (`7`, microseconds since
 * the epoch, an ISO-8601 timestamp) and opaque tokens of the same alphabet, up to 100
 * characters. Anything else in an `If-Match` or a body can never match a stored version,
 * so it is judged without reaching the store and never echoed back in a problem.
 * @example
 * ```ts
 * isWellFormedVersion('2026-11-23T17:23:10.123456Z'); // true
 * isWellFormedVersion('<script>');                    // false
 * ```
 */
export function isWellFormedVersion(version: string): boolean {
  return /^[0-9A-Za-z][0-9A-Za-z._:+~-]{0,99}$/.test(version);
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
