import type { Op } from 'noclobber';

/**
 * One pushdown case: a document, ops, and what they must produce — the value (without the
 * key), or the error (record unchanged). The table is the specification: `applyOps` and
 * every store are checked against it, not only against each other.
 */
export type OpCase = {
  readonly name: string;
  readonly initial: Record<string, unknown>;
  readonly ops: readonly Op[];
} & (
  | { readonly expected: Record<string, unknown>; readonly error?: never }
  | { readonly error: { readonly code: string; readonly reason?: string }; readonly expected?: never }
);

export const mismatch = { code: 'invalid_change', reason: 'type_mismatch' } as const;
export const bound = { code: 'guard_failed' } as const;
