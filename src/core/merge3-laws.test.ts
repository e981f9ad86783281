import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elementSegment, merge3 } from './merge3.js';

// The laws of merge3 as properties over generated documents (fixed seeds); the worked
// examples are in merge3.test.ts.
const el = (id: string) => elementSegment('id', id);

const key = fc.constantFrom('a', 'b', 'c', 't');
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('x', 'y', 'z'),
  fc.boolean(),
  fc.constant(null),
);
const section = (id: string) => fc.record({ id: fc.constant(id), title: scalar, body: scalar });
const { json } = fc.letrec<{ json: unknown; obj: unknown; idList: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    scalar,
    tie('obj'),
    tie('idList'),
    fc.uniqueArray(fc.constantFrom('p', 'q', 'r', 's'), { maxLength: 3 }),
  ),
  obj: fc.dictionary(key, tie('json'), { maxKeys: 3 }),
  idList: fc
    .uniqueArray(fc.constantFrom('s1', 's2', 's3', 's4'), { maxLength: 3 })
    .chain((ids) => fc.tuple(...ids.map(section))),
}));
const doc = fc.dictionary(key, json, { maxKeys: 4 });

/** Lists sorted (by id, else by JSON text) so two merges that differ only in order compare equal. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) {
    const text = (x: unknown) => JSON.stringify((x as { id?: unknown })?.id ?? x);
    return v.map(sorted).sort((x, y) => (text(x) < text(y) ? -1 : text(x) > text(y) ? 1 : 0));
  }
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sorted(x)]));
  return v;
}

describe('merge3 laws (fast-check, fixed seed)', () => {
  const params = { seed: 20260116, numRuns: 300 };

  it('merge3(b, x, b) = x, merge3(b, b, y) = y and merge3(b, x, x) = x, without conflicts', () => {
    fc.assert(
      fc.property(doc, doc, (b, x) => {
        expect(merge3(b, x, b)).toEqual({ value: x, conflicts: [] });
        expect(merge3(b, b, x)).toEqual({ value: x, conflicts: [] });
        expect(merge3(b, x, x)).toEqual({ value: x, conflicts: [] });
      }),
      params,
    );
  });

  it('conflicts are symmetric: swapping mine and theirs swaps their sides, and clean merges agree up to list order', () => {
    fc.assert(
      fc.property(doc, doc, doc, (b, x, y) => {
        const xy = merge3(b, x, y);
        const yx = merge3(b, y, x);
        const swapped = yx.conflicts.map((c) => ({ ...c, mine: c.theirs, theirs: c.mine }));
        const byPath = (cs: readonly { path: readonly string[] }[]) =>
          [...cs].sort((p, q) => (p.path.join('\0') < q.path.join('\0') ? -1 : 1));
        expect(byPath(xy.conflicts)).toEqual(byPath(swapped));
        if (xy.conflicts.length === 0) expect(sorted(xy.value)).toEqual(sorted(yx.value));
      }),
      params,
    );
  });

  // A model: a draft with scalar fields, a tag set and an identity list of sections.
  type Draft = {
    title: unknown;
    meta: { x: unknown; y: unknown };
    tags: string[];
    sections: { id: string; title: unknown; body: unknown }[];
  };
  type Edit =
    | { kind: 'field'; at: 'title' | 'x' | 'y'; value: unknown }
    | { kind: 'tag'; tag: string; add: boolean }
    | { kind: 'sectionField'; id: string; field: 'title' | 'body'; value: unknown }
    | { kind: 'removeSection'; id: string }
    | { kind: 'appendSection'; n: number; title: unknown };
  const IDS = ['s1', 's2', 's3', 's4'];
  const draft: fc.Arbitrary<Draft> = fc.record({
    title: scalar,
    meta: fc.record({ x: scalar, y: scalar }),
    tags: fc.uniqueArray(fc.constantFrom('p', 'q', 'r'), { maxLength: 3 }),
    sections: fc.subarray(IDS).chain((ids) => fc.tuple(...ids.map(section))),
  });
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({
      kind: fc.constant('field' as const),
      at: fc.constantFrom('title' as const, 'x' as const, 'y' as const),
      value: scalar,
    }),
    fc.record({ kind: fc.constant('tag' as const), tag: fc.constantFrom('p', 'q', 'r', 's'), add: fc.boolean() }),
    fc.record({
      kind: fc.constant('sectionField' as const),
      id: fc.constantFrom(...IDS),
      field: fc.constantFrom('title' as const, 'body' as const),
      value: scalar,
    }),
    fc.record({ kind: fc.constant('removeSection' as const), id: fc.constantFrom(...IDS) }),
    fc.record({ kind: fc.constant('appendSection' as const), n: fc.integer({ min: 1, max: 3 }), title: scalar }),
  );
  function apply(d: Draft, edits: readonly Edit[], side: string): Draft {
    const out: Draft = structuredClone(d);
    for (const e of edits) {
      if (e.kind === 'field') {
        if (e.at === 'title') out.title = e.value;
        else out.meta[e.at] = e.value;
      } else if (e.kind === 'tag')
        out.tags = e.add
          ? out.tags.includes(e.tag)
            ? out.tags
            : [...out.tags, e.tag]
          : out.tags.filter((t) => t !== e.tag);
      else if (e.kind === 'sectionField') {
        const s = out.sections.find((x) => x.id === e.id);
        if (s) s[e.field] = e.value;
      } else if (e.kind === 'removeSection') out.sections = out.sections.filter((x) => x.id !== e.id);
      else if (!out.sections.some((x) => x.id === `${side}${e.n}`))
        out.sections.push({ id: `${side}${e.n}`, title: e.title, body: null });
    }
    return out;
  }
  /** What an edit touches; two sides' edits are disjoint when no target is shared. */
  const targets = (e: Edit): string[] =>
    e.kind === 'field'
      ? [e.at]
      : e.kind === 'tag'
        ? [`tag:${e.tag}`]
        : e.kind === 'sectionField'
          ? [`sec:${e.id}`, `sec:${e.id}.${e.field}`]
          : e.kind === 'removeSection'
            ? [`sec:${e.id}`, `sec:${e.id}.title`, `sec:${e.id}.body`, `del:${e.id}`]
            : [];
  const overlaps = (e: Edit, other: readonly Edit[]) => {
    const mine = new Set(other.flatMap(targets));
    // A field edit only clashes with the same field, or with a removal of its element.
    const t = targets(e).filter(
      (x) => e.kind === 'removeSection' || !x.match(/^sec:[^.]+$/) || mine.has(`del:${x.slice(4)}`),
    );
    return (
      t.some((x) => mine.has(x)) ||
      (e.kind === 'sectionField' && mine.has(`del:${e.id}`)) ||
      (e.kind === 'removeSection' && [...mine].some((x) => x.startsWith(`sec:${e.id}.`)))
    );
  };

  it('disjoint changes all survive: merging equals applying both sides, for fields, sets and identity lists', () => {
    fc.assert(
      fc.property(
        draft,
        fc.array(edit, { maxLength: 5 }),
        fc.array(edit, { maxLength: 5 }),
        (base, mineEdits, theirsEdits) => {
          const theirsOnly = theirsEdits.filter((e) => !overlaps(e, mineEdits));
          const mine = apply(base, mineEdits, 'm');
          const theirs = apply(base, theirsOnly, 't');
          const r = merge3(base, mine, theirs);
          expect(r.conflicts).toEqual([]);
          expect(sorted(r.value)).toEqual(sorted(apply(apply(base, mineEdits, 'm'), theirsOnly, 't')));
        },
      ),
      params,
    );
  });

  it('a conflict exactly where the same field of the same element changed differently on both sides', () => {
    const fieldEdit = fc.record({
      id: fc.constantFrom(...IDS),
      field: fc.constantFrom('title' as const, 'body' as const),
      value: scalar,
    });
    fc.assert(
      fc.property(draft, fc.array(fieldEdit, { maxLength: 6 }), fc.array(fieldEdit, { maxLength: 6 }), (base, m, t) => {
        const mine = apply(
          base,
          m.map((e) => ({ kind: 'sectionField' as const, ...e })),
          'm',
        );
        const theirs = apply(
          base,
          t.map((e) => ({ kind: 'sectionField' as const, ...e })),
          't',
        );
        const expected: string[] = [];
        for (const s of base.sections)
          for (const f of ['title', 'body'] as const) {
            const [bv, mv, tv] = [
              s[f],
              mine.sections.find((x) => x.id === s.id)?.[f],
              theirs.sections.find((x) => x.id === s.id)?.[f],
            ];
            if (mv !== bv && tv !== bv && mv !== tv) expected.push(['sections', el(s.id), f].join('.'));
          }
        const r = merge3(base, mine, theirs);
        expect(r.conflicts.map((c) => c.path.join('.')).sort()).toEqual(expected.sort());
      }),
      params,
    );
  });
});
