import fc from 'fast-check';
import { merge, type Op } from 'noclobber';
import { diffChange } from 'noclobber/client';
import { applyOps } from 'noclobber/store';
import { describe, expect, it } from 'vitest';

const scalar = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'y'), fc.boolean(), fc.constant(null));
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('json'), { maxKeys: 3 }),
    fc.array(tie('json'), { maxLength: 2 }),
  ),
}));
/** A record: top-level fields (null = absent, a NULL column) whose values may be JSON documents. */
const record = fc.dictionary(fc.constantFrom('title', 'plan', 'draft', 'meta'), json, { maxKeys: 4 });
const withoutNulls = (r: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null));
const apply = (base: Record<string, unknown>, change: ReturnType<typeof diffChange>): Record<string, unknown> =>
  change === undefined
    ? base
    : applyOps(base, change.kind === 'merge' ? [merge('', change.patch)] : (change.ops as Op[]));

describe('diffChange: what the client sends', () => {
  it('applied to the base it was computed from, gives exactly the edited value (merge patch or ops), and names only changed fields', () => {
    fc.assert(
      fc.property(record, record, fc.constantFrom('merge' as const, 'ops' as const), (base, next, format) => {
        const change = diffChange(base, next, format);
        expect(withoutNulls(apply(base, change))).toEqual(withoutNulls(next));
        const named =
          change === undefined
            ? []
            : change.kind === 'merge'
              ? Object.keys(change.patch)
              : change.ops.map((o) => (o.path as string[])[0] as string);
        for (const k of named) expect(JSON.stringify(base[k] ?? null)).not.toBe(JSON.stringify(next[k] ?? null));
      }),
      { seed: 16016, numRuns: 500 },
    );
  });

  it('sends a merge patch of the changed paths only; a JSON null inside an object goes as ops', () => {
    const base = { plan: 'pro', draft: { headline: 'a', cta: 'b' } };
    expect(diffChange(base, { ...base, draft: { headline: 'A', cta: 'b' } })).toEqual({
      kind: 'merge',
      patch: { draft: { headline: 'A' } },
    });
    expect(diffChange(base, { plan: 'pro', draft: { headline: 'a' } })).toEqual({
      kind: 'merge',
      patch: { draft: { cta: null } },
    });
    expect(diffChange(base, { ...base, draft: { headline: null, cta: 'b' } })).toEqual({
      kind: 'ops',
      ops: [{ op: 'set', path: ['draft', 'headline'], value: null }],
    });
    expect(diffChange(base, { ...base })).toBeUndefined();
  });

  it('never sends own prototype keys of parsed JSON', () => {
    const next = JSON.parse(
      '{"plan":"pro","__proto__":{"admin":true},"draft":{"constructor":{"prototype":1},"headline":"x"}}',
    );
    const change = diffChange({ plan: 'pro', draft: {} }, next);
    expect(change).toEqual({ kind: 'merge', patch: { draft: { headline: 'x' } } });
    expect(JSON.stringify(change)).not.toMatch(/__proto__|constructor|prototype/);
  });
});
