import type { Expect } from '../../core/expect.js';
import { field, type Guard } from '../../core/guards.js';
import { isPlainObject } from '../../core/json.js';
import type { StoreSchema } from '../../core/store.js';
import type { JsonPrimitive, Key, KeyPart } from '../../core/types.js';

const scalar = (name: string, v: unknown): JsonPrimitive => {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new TypeError(`noclobber/prisma: the condition on "${name}" must compare a string, number, boolean or null`);
};

/** A Prisma filter on one field as noclobber guards (checked in the same statement as the write). */
function guards(name: string, filter: unknown): Guard[] {
  const f = field(name);
  if (!isPlainObject(filter)) return [f.eq(scalar(name, filter))];
  return Object.entries(filter).map(([op, v]): Guard => {
    switch (op) {
      case 'equals':
        return f.eq(scalar(name, v));
      case 'not':
        return f.ne(scalar(name, v));
      case 'in':
        if (!Array.isArray(v)) break;
        return f.in(v.map((x) => scalar(name, x)));
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        const x = scalar(name, v);
        if (typeof x !== 'string' && typeof x !== 'number') break;
        return f[op](x);
      }
    }
    throw new TypeError(
      `noclobber/prisma: the filter ${op} on "${name}" is not supported (equals, not, in, lt, lte, gt, gte)`,
    );
  });
}

/**
 * A Prisma unique `where` as a noclobber call: the key (its fields, or a compound unique
 * of them: `{ tenant_id: { tenant, id } }`), the version when it names it — the write is
 * then conditioned on it, and a moved record is a `ConflictError`, not Prisma's "record
 * not found" — and every other field's filter as guards.
 * @example
 * ```ts
 * whereToCall({ id: 'p1', version: 3, status: { not: 'archived' } }, schema, String);
 * // { key: 'p1', expect: { version: '3', where: [field('status').ne('archived')] } }
 * ```
 */
export function whereToCall(
  where: Record<string, unknown>,
  schema: StoreSchema,
  versionOf: (v: unknown) => string,
): { key: Key; expect: Expect } {
  const rest: Record<string, unknown> = { ...where };
  const keyParts: Record<string, KeyPart> = {};
  const take = (from: Record<string, unknown>, owner?: string) => {
    for (const k of schema.keyFields) {
      const v = from[k];
      if (typeof v === 'string' || typeof v === 'number') {
        keyParts[k] = v;
        delete from[k];
      }
    }
    if (owner && Object.keys(from).length === 0) delete rest[owner];
  };
  take(rest);
  if (Object.keys(keyParts).length === 0)
    for (const [k, v] of Object.entries(rest))
      if (isPlainObject(v) && schema.keyFields.every((f) => f in v)) take({ ...v }, k);
  if (Object.keys(keyParts).length !== schema.keyFields.length)
    throw new TypeError(`noclobber/prisma: \`where\` must name the key (${schema.keyFields.join(', ')})`);
  const expect: { version?: string; where?: Guard[] } = {};
  if (schema.versionField in rest) {
    expect.version = versionOf(rest[schema.versionField]);
    delete rest[schema.versionField];
  }
  const conditions = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .flatMap(([k, v]) => guards(k, v));
  if (conditions.length > 0) expect.where = conditions;
  const key: Key = schema.keyFields.length === 1 ? (keyParts[schema.keyFields[0] as string] as KeyPart) : keyParts;
  return { key, expect };
}
