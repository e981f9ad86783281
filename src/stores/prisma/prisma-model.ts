import type { PrismaClientInternals, PrismaClientLike, RuntimeModel } from './prisma-client.js';

/** A Prisma model as the database sees it. */
export interface ModelMapping {
  readonly model: string;
  /** The table (`@@map`, else the model's name). */
  readonly table: string;
  /** The PostgreSQL schema, when the model names one (`@@schema`). */
  readonly schema: string | undefined;
  /** Scalar and enum fields to their columns (`@map`, else the field's name). */
  readonly columns: ReadonlyMap<string, string>;
  /** Scalar and enum fields to Prisma's type (`String`, `DateTime`, `Json`, an enum's name …). */
  readonly types: ReadonlyMap<string, string>;
  /** Relation fields to the model they point to. */
  readonly relations: ReadonlyMap<string, string>;
}

/**
 * Reads a model from the client's runtime data model (generated into every Prisma client):
 * its table and the column of each field. The name may be the model's (`Product`) or its
 * delegate's (`product`).
 * @example
 * ```ts
 * modelMapping(prisma, 'Product'); // { table: 'products', columns: Map { 'category' => 'category_name', … }, … }
 * ```
 */
export function modelMapping(client: PrismaClientLike, name: string): ModelMapping {
  const models = (client as PrismaClientInternals)._runtimeDataModel?.models;
  if (!models)
    throw new TypeError(
      'noclobber/prisma: this client has no runtime data model (a Prisma 7 client is needed); pass `table` instead of `model`',
    );
  const model =
    Object.keys(models).find((m) => m === name) ??
    Object.keys(models).find((m) => m.toLowerCase() === name.toLowerCase());
  if (!model)
    throw new TypeError(
      `noclobber/prisma: the client has no model "${name}" (it has ${Object.keys(models).join(', ')})`,
    );
  const m = models[model] as RuntimeModel;
  const columns = new Map<string, string>();
  const types = new Map<string, string>();
  const relations = new Map<string, string>();
  for (const f of m.fields) {
    if (f.kind === 'object') relations.set(f.name, f.type);
    else if (f.kind === 'scalar' || f.kind === 'enum') {
      columns.set(f.name, f.dbName ?? f.name);
      types.set(f.name, f.type);
    }
  }
  return { model, table: m.dbName ?? model, schema: m.schema ?? undefined, columns, types, relations };
}
