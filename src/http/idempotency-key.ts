/** Reads an sf-string (RFC 9651 §4.2.5) at `at`; returns it and where it ends, or undefined. */
function sfString(text: string, at: number): { value: string; end: number } | undefined {
  if (text[at] !== '"') return undefined;
  let out = '';
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '"' && next !== '\\') return undefined;
      out += next;
      i++;
    } else if (c === '"') return { value: out, end: i + 1 };
    else if (c < ' ' || c > '~') return undefined;
    else out += c;
  }
  return undefined;
}

// Bare items a parameter value may be (RFC 9651 §3.3): integer / decimal, token, byte sequence, boolean, date.
const BARE =
  /^(?:-?\d{1,15}(?:\.\d{1,3})?|[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*|:[A-Za-z0-9+/=]*:|\?[01]|@-?\d{1,15})/;

/** Skips `;key[=bare-item]` parameters; the index after them, or undefined when malformed. */
function parameters(text: string, at: number): number | undefined {
  let i = at;
  while (text[i] === ';') {
    i++;
    while (text[i] === ' ') i++;
    const key = /^[a-z*][a-z0-9_\-.*]*/.exec(text.slice(i));
    if (!key) return undefined;
    i += key[0].length;
    if (text[i] !== '=') continue;
    i++;
    const str = sfString(text, i);
    if (str) {
      i = str.end;
      continue;
    }
    const bare = BARE.exec(text.slice(i));
    if (!bare) return undefined;
    i += bare[0].length;
  }
  return i;
}

/**
 * Parses an `Idempotency-Key` field value: an Item Structured Header whose value is an
 * sf-string (IETF httpapi draft, RFC 9651), so `"8e03978e-40d5"` is the key `8e03978e-40d5`
 * and escapes (`\"`, `\\`) are undone; parameters after it are allowed and ignored.
 * Anything else — an unquoted token, an empty or over-long key, trailing text — is
 * undefined (a 400: silently ignoring the key could apply a retried request twice).
 * @example
 * ```ts
 * parseIdempotencyKey('"order-1"');  // 'order-1'
 * parseIdempotencyKey('order-1');    // undefined: not an sf-string
 * ```
 */
export function parseIdempotencyKey(value: string, maxLength = 255): string | undefined {
  const text = value.replace(/^ +| +$/g, '');
  const str = sfString(text, 0);
  if (!str || str.value.length === 0 || str.value.length > maxLength) return undefined;
  return parameters(text, str.end) === text.length ? str.value : undefined;
}
