import { describe, expect, it } from 'vitest';
import { checkHistory } from './oracle.js';
import { percentile } from './percentile.js';

describe('lost-update oracle', () => {
  const attempted = ['a', 'b', 'c', 'd'];

  it('accepts a history where every acknowledged write is present once', () => {
    const r = checkHistory({
      acknowledged: ['a', 'b', 'c'],
      attempted,
      rows: [{ id: 'r', n: 3, markers: ['a', 'c', 'b'] }],
    });
    expect(r).toMatchObject({ ok: true, lost: [], duplicated: [], unknown: [], counterOk: true });
  });

  it('an unacknowledged write may have landed (dropped connection), within the counter bounds', () => {
    expect(checkHistory({ acknowledged: ['a'], attempted, rows: [{ id: 'r', n: 2, markers: ['a', 'd'] }] }).ok).toBe(
      true,
    );
  });

  it('catches a lossy history: last writer wins', () => {
    const r = checkHistory({ acknowledged: ['a', 'b', 'c'], attempted, rows: [{ id: 'r', n: 1, markers: ['c'] }] });
    expect(r.ok).toBe(false);
    expect(r.lost).toEqual(['a', 'b']);
    expect(r.counterOk).toBe(false);
  });

  it('catches a write applied twice, and markers nobody wrote', () => {
    const r = checkHistory({ acknowledged: ['a'], attempted, rows: [{ id: 'r', n: 3, markers: ['a', 'a', 'zz'] }] });
    expect(r.duplicated).toEqual(['a']);
    expect(r.unknown).toEqual(['zz']);
    expect(r.ok).toBe(false);
  });

  it('catches a counter that moved more than anyone tried', () => {
    expect(
      checkHistory({ acknowledged: ['a'], attempted: ['a'], rows: [{ id: 'r', n: 2, markers: ['a'] }] }).counterOk,
    ).toBe(false);
  });

  it('percentile by nearest rank', () => {
    expect(percentile([], 99)).toBe(0);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
  });
});
