/**
 * Quotes a PostgreSQL identifier; a dotted name is quoted part by part (`app.stacks`).
 * @example
 * ```ts
 * ident('app.stacks'); // '"app"."stacks"'
 * ```
 */
export function ident(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}

/**
 * Collects `$n` parameters, with an optional cast.
 * @example
 * ```ts
 * const p = new PgParams();
 * pool.query(`SELECT * FROM t WHERE id = ${p.add('a', 'text')}`, p.values);
 * ```
 */
export class PgParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }

  /** A JSON value as jsonb. */
  json(value: unknown): string {
    return this.add(JSON.stringify(value), 'jsonb');
  }

  /** A path as text[]. */
  path(keys: readonly string[]): string {
    return this.add(keys, 'text[]');
  }
}

/** A jsonb expression with SQL NULL and JSON null both made `{}` (other values untouched). */
export function objectify(x: string): string {
  return `coalesce(nullif(${x}, 'null'::jsonb), '{}'::jsonb)`;
}

/** jsonb_typeof that reads SQL NULL (missing) as 'null'. */
export function typeOf(x: string): string {
  return `coalesce(jsonb_typeof(${x}), 'null')`;
}
