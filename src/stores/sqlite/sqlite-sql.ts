/**
 * Quotes an SQLite identifier (a table or column name from options or the table itself):
 * the ONE way names reach SQL text. Total for every name without NUL
 * (`test/model/identifiers.test.ts` checks it against SQLite).
 * @example
 * ```ts
 * ident('my"table'); // '"my""table"'
 * ```
 */
export function ident(name: string): string {
  if (name.includes('\u0000')) throw new TypeError('noclobber/sqlite: an identifier cannot contain NUL');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a name as an SQLite string literal, for DDL that must hold a name as text (a
 * trigger's body cannot take parameters): SQLite's literals have one escape, `''`. Only for
 * names from options or the schema, never for values from data (those are bound). Total for
 * every text without NUL (`test/model/identifiers.test.ts` checks it against SQLite).
 * @example
 * ```ts
 * nameLiteral("it's"); // "'it''s'"
 * ```
 */
export function nameLiteral(name: string): string {
  if (name.includes('\u0000')) throw new TypeError('noclobber/sqlite: a name cannot contain NUL');
  return `'${name.replaceAll("'", "''")}'`;
}

/**
 * An SQLite JSON path for object keys, as a VALUE to bind (never spliced into SQL text).
 * Each key is one double-quoted label; SQLite's path syntax has no escapes inside it, so
 * this is total exactly for the keys the core accepts (no `"`, `\` or control
 * characters, see `keyProblem`) — `test/model/sqlite-json-path.test.ts` checks it over
 * arbitrary strings.
 * @example
 * ```ts
 * jsonPath(['a.b', "it's"]); // `$."a.b"."it's"`
 * ```
 */
export function jsonPath(keys: readonly string[]): string {
  return `$${keys.map((k) => `."${k}"`).join('')}`;
}

/**
 * Collects named parameters, so SQL fragments can be built in any order.
 * @example
 * ```ts
 * const p = new Params();
 * db.prepare(`SELECT * FROM t WHERE id = ${p.add('a')}`).get(p.values);
 * ```
 */
export class Params {
  readonly values: Record<string, unknown> = {};
  #n = 0;

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    const name = `p${this.#n++}`;
    this.values[name] = value;
    return `@${name}`;
  }

  /** A JSON path to object keys, bound as a parameter (see {@link jsonPath}). */
  path(keys: readonly string[], suffix = ''): string {
    return this.add(`${jsonPath(keys)}${suffix}`);
  }

  /** A JSON value as an SQL expression (`json(@p)` keeps objects, arrays, booleans and null typed). */
  json(value: unknown): string {
    return `json(${this.add(JSON.stringify(value))})`;
  }

  /** A JSON scalar as an SQL value to store inside JSON (strings and numbers bound, booleans as JSON). */
  scalar(value: string | number | boolean): string {
    return typeof value === 'boolean' ? `json(${this.add(String(value))})` : this.add(value);
  }
}

/**
 * A `json_each` row condition matching a scalar with strict typing (1 never equals '1').
 * @example
 * ```ts
 * itemEquals(p, 'x'); // "(type = 'text' AND atom = @p0)"
 * ```
 */
export function itemEquals(p: Params, value: string | number | boolean): string {
  if (typeof value === 'boolean') return `(type = ${p.add(String(value))})`;
  if (typeof value === 'number') return `(type IN ('integer','real') AND atom = ${p.add(value)})`;
  return `(type = 'text' AND atom = ${p.add(value)} COLLATE BINARY)`;
}

/** A `json_each` row's value as JSON for re-aggregation (keeps booleans, null, objects typed). */
export const EACH_ELEMENT =
  "CASE type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') WHEN 'null' THEN json('null') WHEN 'object' THEN json(value) WHEN 'array' THEN json(value) ELSE value END";
