/**
 * Quotes one PostgreSQL identifier (a column, or one part of a table name): the ONE way
 * names reach SQL text. Total for every name PostgreSQL can hold (any text without NUL;
 * `test/model/identifiers.test.ts` checks it on the server).
 * @example
 * ```ts
 * ident('my "col".x'); // '"my ""col"".x"'
 * ```
 */
export function ident(name: string): string {
  if (name.includes('\u0000')) throw new TypeError('noclobber/postgres: an identifier cannot contain NUL');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Dollar-quotes a PL/pgSQL body with a tag (`$nc0$`, `$nc1$`, …) the body does not contain,
 * so no text inside it — a quoted name included — can end the quote.
 * @example
 * ```ts
 * dollarQuote(' BEGIN NULL; END '); // '$nc0$ BEGIN NULL; END $nc0$'
 * ```
 */
export function dollarQuote(body: string): string {
  let n = 0;
  while (body.includes(`$nc${n}$`)) n += 1;
  return `$nc${n}$${body}$nc${n}$`;
}

/**
 * Quotes a table name from options (each part through {@link ident}). Without `schema`,
 * the name may be schema-qualified: `app.stacks` is table `stacks` in schema `app`. With
 * `schema`, both are single names as they are, dots included (a Prisma `@@map("v1.items")`).
 * @example
 * ```ts
 * tableIdent('app.stacks'); // '"app"."stacks"'
 * tableIdent('v1.items', 'app'); // '"app"."v1.items"'
 * ```
 */
export function tableIdent(name: string, schema?: string): string {
  if (schema !== undefined) return `${ident(schema)}.${ident(name)}`;
  return name.split('.').map(ident).join('.');
}

/** Key columns (quoted) and the typed parameters naming one key. */
export type KeyParts = readonly (readonly [column: string, param: string])[];

/**
 * The condition "this row has that key", for a row under `alias`.
 * @example
 * ```ts
 * whereOf([['"id"', '$1::text']])('t'); // 't."id" = $1::text'
 * ```
 */
export const whereOf =
  (parts: KeyParts) =>
  (alias: string): string =>
    parts.map(([c, ph]) => `${alias}.${c} = ${ph}`).join(' AND ');

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
