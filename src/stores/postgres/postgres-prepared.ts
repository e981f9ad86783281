/** At most this many statement shapes get a name, process-wide (each connection keeps one plan per name). */
export const MAX_PREPARED_SHAPES = 256;

const names = new Map<string, string>();
const seen = new Map<string, number>();

/**
 * The name under which a statement is prepared, or undefined to send it unnamed.
 * A statement's shape (its SQL text; values are parameters) gets a name the second time
 * it is seen, so PostgreSQL parses and plans it once per connection instead of on every
 * call — noclobber's statements are large and planning them cost more than running them.
 * Names are process-wide and never reused for another text, so stores sharing a pool
 * cannot collide; shapes beyond {@link MAX_PREPARED_SHAPES} stay unnamed, which bounds
 * what any connection keeps.
 * @example
 * ```ts
 * const name = preparedName(sql);
 * await client.query(name ? { name, text: sql, values } : sql, values);
 * ```
 */
export function preparedName(sql: string): string | undefined {
  const known = names.get(sql);
  if (known || names.size >= MAX_PREPARED_SHAPES) return known;
  const count = (seen.get(sql) ?? 0) + 1;
  if (count < 2) {
    if (seen.size < 16 * MAX_PREPARED_SHAPES) seen.set(sql, count);
    return undefined;
  }
  seen.delete(sql);
  const name = `noclobber_${names.size + 1}`;
  names.set(sql, name);
  return name;
}
