import { type Collection, field, type Guard, type Row, set } from 'noclobber';
import { evaluateGuard } from 'noclobber/store';
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
      if (c.error) {
        expect(ref, 'applyOps must give the error the table expects').toEqual({ error: c.error });
        const err = await rejects(() => docs().apply(id, c.ops));
        expect({ code: err.code, reason: err.reason }).toEqual({ code: c.error.code, reason: c.error.reason });
        await expectUnchanged(docs(), created);
        return;
      }
      const expected = withoutNulls({ id, ...c.expected });
      expect('value' in ref ? withoutNulls(ref.value) : ref, 'applyOps must give the value the table expects').toEqual(
        expected,
      );
      const written = await docs().apply(id, c.ops);
      expect(written.version).not.toBe(created.version);
      expect(withoutNulls(written.value)).toEqual(expected);
      const read = await docs().get(id);
      expect(read?.version).toBe(written.version);
      expect(withoutNulls(read?.value)).toEqual(expected);
    });
  }

  const record = {
    title: 'Plan',
    status: 'active',
    owner: 'ann',
    n: 5,
    data: { level: 3, name: 'x', flag: true, nested: { k: 'v' }, num: '1', cjk: '\uff61', "it's": "'" },
  };
  // [name, guard, whether it holds on `record`]: the table is the specification.
  const guards: [string, Guard, boolean][] = [
    ['eq on a column (true)', field('status').eq('active'), true],
    ['eq on a column (false)', field('status').eq('deleting'), false],
    ['ne on a column (true)', field('status').ne('deleting'), true],
    ['ne on a column (false)', field('status').ne('active'), false],
    ['ne on a missing column holds', field('title').ne('x'), true],
    ['eq null on a null column', field('data.missing').eq(null), true],
    ['eq null on a present value', field('owner').eq(null), false],
    ['eq on a JSON path (true)', field('data.name').eq('x'), true],
    ['eq is type-strict (1 vs "1")', field('data.num').eq(1), false],
    ['eq boolean in JSON', field('data.flag').eq(true), true],
    ['eq through a non-object reads null', field('data.name.inner').eq(null), true],
    ['lt number (true)', field('n').lt(6), true],
    ['lt number (false)', field('n').lt(5), false],
    ['lte number', field('n').lte(5), true],
    ['gt JSON number', field('data.level').gt(2), true],
    ['gte JSON number (false)', field('data.level').gte(4), false],
    ['lt string by code point', field('owner').lt('bob'), true],
    // U+FF61 < U+1F600 by code point (UTF-8 bytes); JavaScript's UTF-16 `<` says the opposite.
    ['lt string by code point beyond the BMP', field('data.cjk').lt('\u{1F600}'), true],
    ['gt string by code point beyond the BMP (false)', field('data.cjk').gt('\u{1F600}'), false],
    ['gt string vs number is false', field('data.num').gt(0), false],
    ['lt on a missing field is false', field('data.nope').lt(100), false],
    ['in (true)', field('status').in(['active', 'paused']), true],
    ['in (false)', field('status').in(['deleting']), false],
    ['in on JSON number', field('data.level').in([1, 2, 3]), true],
    ['exists on a column', field('owner').exists(), true],
    ['exists on a missing JSON key', field('data.gone').exists(), false],
    ['absent on a missing JSON key', field('data.gone').absent(), true],
    ['absent on an object value', field('data.nested').absent(), false],
    ['ne on an object value holds', field('data.nested').ne('v'), true],
    ['exists on an Object.prototype name is false', field(['data', '__defineGetter__']).exists(), false],
    ['absent on data.toString holds', field(['data', 'toString']).absent(), true],
    ['eq on a key with a quote', field(['data', "it's"]).eq("'"), true],
    ['in with no values is false', field('data.level').in([]), false],
    ['in with null holds on a missing key', field('data.gone').in([null]), true],
    ['a guard on the version reads null', field('version').absent(), true],
    ['a path into the key reads null', field(['id', 'x']).exists(), false],
  ];
  for (const [name, guard, holds] of guards) {
    it(`guard: ${name}`, async () => {
      const id = uid('guard');
      const created = await docs().create(id, { id, ...record });
      expect(evaluateGuard(created.value, guard), 'evaluateGuard must agree with the table').toBe(holds);
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
