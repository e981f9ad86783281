import { type Collection, evaluateGuard, field, type Guard, type Row, set } from 'noclobber';
import { expect, it } from 'vitest';
import { OP_CASES } from './op-cases.js';
import { expectUnchanged, reference, rejects, uid, withoutNulls } from './support.js';

/** Pushdown equals applyOps, case by case; guards equal evaluateGuard. */
export function opCaseTests(docs: () => Collection<Row>): void {
  for (const c of OP_CASES) {
    it(`pushdown: ${c.name}`, async () => {
      const id = uid('op');
      const created = await docs().create(id, { id, ...c.initial });
      const ref = reference(created.value, c.ops);
      if ('error' in ref) {
        expect(c.error, 'the case table and applyOps disagree').toEqual(ref.error.reason === undefined ? { code: ref.error.code } : ref.error);
        const err = await rejects(() => docs().apply(id, c.ops));
        expect({ code: err.code, reason: err.reason }).toEqual({ code: ref.error.code, reason: ref.error.reason });
        await expectUnchanged(docs(), created);
        return;
      }
      expect(c.error, 'the case expects an error but applyOps accepts the ops').toBeUndefined();
      const written = await docs().apply(id, c.ops);
      expect(written.version).not.toBe(created.version);
      expect(withoutNulls(written.value)).toEqual(withoutNulls(ref.value));
      const read = await docs().get(id);
      expect(read?.version).toBe(written.version);
      expect(withoutNulls(read?.value)).toEqual(withoutNulls(ref.value));
    });
  }

  const record = {
    title: 'Plan',
    status: 'active',
    owner: 'ann',
    n: 5,
    data: { level: 3, name: 'x', flag: true, nested: { k: 'v' }, num: '1', cjk: '\uff61' },
  };
  const guards: [string, Guard][] = [
    ['eq on a column (true)', field('status').eq('active')],
    ['eq on a column (false)', field('status').eq('deleting')],
    ['ne on a column (true)', field('status').ne('deleting')],
    ['ne on a column (false)', field('status').ne('active')],
    ['ne on a missing column holds', field('title').ne('x')],
    ['eq null on a null column', field('data.missing').eq(null)],
    ['eq null on a present value', field('owner').eq(null)],
    ['eq on a JSON path (true)', field('data.name').eq('x')],
    ['eq is type-strict (1 vs "1")', field('data.num').eq(1)],
    ['eq boolean in JSON', field('data.flag').eq(true)],
    ['eq through a non-object reads null', field('data.name.inner').eq(null)],
    ['lt number (true)', field('n').lt(6)],
    ['lt number (false)', field('n').lt(5)],
    ['lte number', field('n').lte(5)],
    ['gt JSON number', field('data.level').gt(2)],
    ['gte JSON number (false)', field('data.level').gte(4)],
    ['lt string by code point', field('owner').lt('bob')],
    // U+FF61 < U+1F600 by code point (UTF-8 bytes); JavaScript's UTF-16 `<` says the opposite.
    ['lt string by code point beyond the BMP', field('data.cjk').lt('\u{1F600}')],
    ['gt string by code point beyond the BMP (false)', field('data.cjk').gt('\u{1F600}')],
    ['gt string vs number is false', field('data.num').gt(0)],
    ['lt on a missing field is false', field('data.nope').lt(100)],
    ['in (true)', field('status').in(['active', 'paused'])],
    ['in (false)', field('status').in(['deleting'])],
    ['in on JSON number', field('data.level').in([1, 2, 3])],
    ['exists on a column', field('owner').exists()],
    ['exists on a missing JSON key', field('data.gone').exists()],
    ['absent on a missing JSON key', field('data.gone').absent()],
    ['absent on an object value', field('data.nested').absent()],
    ['ne on an object value holds', field('data.nested').ne('v')],
  ];
  for (const [name, guard] of guards) {
    it(`guard: ${name}`, async () => {
      const id = uid('guard');
      const created = await docs().create(id, { id, ...record });
      const holds = evaluateGuard(created.value, guard);
      const write = () => docs().apply(id, [set('title', 'changed')], { expect: { where: [guard] } });
      if (holds) {
        const written = await write();
        expect(written.value.title).toBe('changed');
      } else {
        const err = await rejects(write);
        expect(err.code).toBe('guard_failed');
        await expectUnchanged(docs(), created);
      }
    });
  }
}
