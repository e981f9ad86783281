import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { toAttr } from './dynamodb-item.js';

/** DynamoDB's limit on one expression string. */
export const MAX_EXPRESSION_BYTES = 4096;

/**
 * Builds the placeholders of one request's expressions: every path segment becomes a
 * `#n` name (so reserved words and odd characters never reach the expression) and every
 * value a `:v` value. DynamoDB refuses unused placeholders, so build one per request and
 * throw it away when a plan is abandoned.
 * @example
 * ```ts
 * const x = new DynExpr();
 * const cond = `${x.path(['data', 'status'])} <> ${x.json('deleting')}`; // '#n0.#n1 <> :v0'
 * ```
 */
export class DynExpr {
  readonly #names = new Map<string, string>();
  readonly #values: Record<string, AttributeValue> = {};
  readonly #constants = new Map<string, string>();
  #count = 0;

  /** The placeholder for one attribute name or map key. */
  name(segment: string): string {
    let id = this.#names.get(segment);
    if (!id) {
      id = `#n${this.#names.size}`;
      this.#names.set(segment, id);
    }
    return id;
  }

  /** A document path: `#n0.#n1.#n2`. */
  path(segments: readonly string[]): string {
    return segments.map((s) => this.name(s)).join('.');
  }

  /** A value placeholder for an AttributeValue. */
  value(av: AttributeValue): string {
    const id = `:v${this.#count++}`;
    this.#values[id] = av;
    return id;
  }

  /** A value placeholder for a JSON value. */
  json(v: unknown): string {
    return this.value(toAttr(v));
  }

  /** One shared placeholder per constant (type names for `attribute_type`, 0, 1, []). */
  constant(v: string | number | readonly never[]): string {
    const k = JSON.stringify(v);
    let id = this.#constants.get(k);
    if (!id) {
      id = this.json(v);
      this.#constants.set(k, id);
    }
    return id;
  }

  /** The `ExpressionAttributeNames` / `ExpressionAttributeValues` of the request (empty maps omitted). */
  input(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  } {
    const names = Object.fromEntries([...this.#names].map(([segment, id]) => [id, segment]));
    return {
      ...(this.#names.size ? { ExpressionAttributeNames: names } : {}),
      ...(this.#count ? { ExpressionAttributeValues: { ...this.#values } } : {}),
    };
  }
}
