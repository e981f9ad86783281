import {
  AbortedError,
  type Collection,
  ConflictError,
  LockBusyError,
  LockTimeoutError,
  merge,
  type RetryOptions,
  type Snapshot,
} from 'noclobber';
import type { Product } from './products.js';

/** A mirror change the product's current state does not allow (422), or a missing product (404). */
export class MirrorError extends Error {
  constructor(
    readonly code: 'invalid_url' | 'not_a_mirror' | 'too_many_mirrors' | 'product_not_found',
    message: string,
    readonly status = code === 'product_not_found' ? 404 : 422,
  ) {
    super(message);
    this.name = 'MirrorError';
  }
}

/** The seed's "this product changed, please retry" (409): the retry budget ran out while others kept writing. */
export class ProductChangedError extends Error {
  readonly status = 409;
  constructor(cause: unknown) {
    super('This product changed, please retry', { cause });
    this.name = 'ProductChangedError';
  }
}

/** How hard a mutation tries before answering 409: a few quick rounds, then the product's lease. */
export const MUTATION_RETRY: RetryOptions = { attempts: 6, baseMs: 5, capMs: 80, escalateAfter: 3 };

/** At most this many mirrors per product. */
export const MAX_MIRRORS = 32;

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MirrorError('invalid_url', `Not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'https:') throw new MirrorError('invalid_url', 'Mirrors must be https URLs');
}

/**
 * Runs one product mutation through noclobber's conditional path and turns its failures
 * into the answers the admin UI understands: a missing product is 404, and a conflict that
 * outlived the retry budget is "this product changed, please retry" (409) — never a silent
 * overwrite.
 */
async function mutate(run: () => Promise<Snapshot<Product>>): Promise<Snapshot<Product>> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ConflictError && e.reason === 'gone')
      throw new MirrorError('product_not_found', 'No such product');
    if (
      e instanceof ConflictError ||
      e instanceof AbortedError ||
      e instanceof LockTimeoutError ||
      e instanceof LockBusyError
    )
      throw new ProductChangedError(e);
    throw e;
  }
}

/** Options every mutation takes: the retry budget (tests shrink it). */
export interface MutationOptions {
  readonly retry?: RetryOptions;
}

/**
 * Adds a mirror; the first mirror becomes the primary. The intent re-runs on the product
 * as it is when written, so two admins adding mirrors at once both keep theirs.
 * @example
 * ```ts
 * await addProductMirror(products, 'p1', 'https://eu.mirror.example/p1.zip');
 * ```
 */
export async function addProductMirror(
  products: Collection<Product>,
  id: string,
  url: string,
  options: MutationOptions = {},
): Promise<Snapshot<Product>> {
  checkUrl(url);
  return mutate(() =>
    products.update(
      id,
      (p) => {
        const mirrors = p.metadata.mirrors ?? [];
        if (mirrors.includes(url)) return p;
        if (mirrors.length >= MAX_MIRRORS)
          throw new MirrorError('too_many_mirrors', `A product has at most ${MAX_MIRRORS} mirrors`);
        return {
          ...p,
          metadata: { ...p.metadata, mirrors: [...mirrors, url], primary_mirror: p.metadata.primary_mirror ?? url },
        };
      },
      { retry: options.retry ?? MUTATION_RETRY },
    ),
  );
}

/**
 * Removes a mirror; when it was the primary, the first remaining mirror becomes primary
 * (or none is left), so `primary_mirror` always names an existing mirror.
 * @example
 * ```ts
 * await removeProductMirror(products, 'p1', 'https://old.mirror.example/p1.zip');
 * ```
 */
export async function removeProductMirror(
  products: Collection<Product>,
  id: string,
  url: string,
  options: MutationOptions = {},
): Promise<Snapshot<Product>> {
  return mutate(() =>
    products.update(
      id,
      (p) => {
        const mirrors = (p.metadata.mirrors ?? []).filter((m) => m !== url);
        const primary =
          p.metadata.primary_mirror && mirrors.includes(p.metadata.primary_mirror)
            ? p.metadata.primary_mirror
            : (mirrors[0] ?? null);
        return { ...p, metadata: { ...p.metadata, mirrors, primary_mirror: primary } };
      },
      { retry: options.retry ?? MUTATION_RETRY },
    ),
  );
}

/**
 * Makes an existing mirror the primary; validated against the product as written, so a
 * mirror removed a moment ago cannot become primary.
 * @example
 * ```ts
 * await setPrimaryMirror(products, 'p1', 'https://eu.mirror.example/p1.zip');
 * ```
 */
export async function setPrimaryMirror(
  products: Collection<Product>,
  id: string,
  url: string,
  options: MutationOptions = {},
): Promise<Snapshot<Product>> {
  return mutate(() =>
    products.update(
      id,
      (p) => {
        if (!(p.metadata.mirrors ?? []).includes(url))
          throw new MirrorError('not_a_mirror', 'Only an existing mirror can be the primary');
        return { ...p, metadata: { ...p.metadata, primary_mirror: url } };
      },
      { retry: options.retry ?? MUTATION_RETRY },
    ),
  );
}

/**
 * Every other product edit (name, price) through the same conditional path: a pushdown
 * merge of just the changed fields, which never clobbers the mirrors.
 * @example
 * ```ts
 * await editProduct(products, 'p1', { name: 'Pro plan', price_cents: 4900 });
 * ```
 */
export async function editProduct(
  products: Collection<Product>,
  id: string,
  patch: { name?: string; price_cents?: number },
  options: MutationOptions = {},
): Promise<Snapshot<Product>> {
  const fields: Record<string, string | number> = {};
  if (patch.name !== undefined) fields.name = patch.name;
  if (patch.price_cents !== undefined) fields.price_cents = patch.price_cents;
  return mutate(() => products.apply(id, [merge('', fields)], { retry: options.retry ?? MUTATION_RETRY }));
}
