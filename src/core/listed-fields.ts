/**
 * The fields a store lets writes name: its `fields` option (each checked against what the
 * table has, key fields added), or everything it has. Items may hold the others; writes keep
 * them as they are (see `StoreSchema.fields`).
 * @example
 * ```ts
 * listedFields(['name'], ['id'], ['id', 'name', 'created_at'], 'sqlite: table "products"'); // ['id', 'name']
 * ```
 */
export function listedFields(
  fields: readonly string[] | undefined,
  keys: readonly string[],
  known: readonly string[],
  where: string,
): string[] {
  if (!fields) return [...known];
  for (const f of fields)
    if (!known.includes(f)) throw new TypeError(`noclobber/${where} has no column "${f}" (named in fields)`);
  return [...new Set([...keys, ...fields])];
}
