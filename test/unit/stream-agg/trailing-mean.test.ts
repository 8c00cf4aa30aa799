import assert from 'node:assert/strict';
import { trailingMean } from '../../../src/stream-agg/trailing-mean.js';

describe('trailingMean (SPEC §11 "smoothed over 10 s")', () => {
  it('averages each element with the window−1 before it, over a shorter window at the start', () => {
    // window 3: i0 = 1/1 = 1; i1 = (1+2)/2 = 1.5; i2 = (1+2+3)/3 = 2; i3 = (2+3+4)/3 = 3; i4 = (3+4+5)/3 = 4.
    assert.deepEqual(trailingMean([1, 2, 3, 4, 5], 3), [1, 1.5, 2, 3, 4]);
  });

  it('averages only the non-null values in the window and gives null when there are none', () => {
    // window 2: i0 [null] → null; i1 [null, 2] → 2; i2 [2, null] → 2; i3 [null, 4] → 4; i4 [4, null] → 4;
    // i5 [null, null] → null; i6 [null, 9] → 9.
    assert.deepEqual(trailingMean([null, 2, null, 4, null, null, 9], 2), [null, 2, 2, 4, 4, null, 9]);
  });

  it('does not count nulls as zeros', () => {
    // window 3 at i2: values 6, null, 12 → (6 + 12) / 2 = 9 (a zero-filled mean would be 6).
    assert.deepEqual(trailingMean([6, null, 12], 3), [6, 6, 9]);
  });

  it('returns the series itself for window 1', () => {
    assert.deepEqual(trailingMean([5, null, 7], 1), [5, null, 7]);
  });

  it('uses everything so far when the window is longer than the series', () => {
    // window 10: i0 = 2; i1 = (2+4)/2 = 3; i2 = (2+4+9)/3 = 5.
    assert.deepEqual(trailingMean([2, 4, 9], 10), [2, 3, 5]);
  });

  it('drops values that fall out of the window', () => {
    // window 2: i2 = (0 + 0)/2 = 0 — the 100 at i0 is out of the window [1, 2].
    assert.deepEqual(trailingMean([100, 0, 0], 2), [100, 50, 0]);
  });

  it('returns an empty series for an empty input and leaves the input unchanged', () => {
    assert.deepEqual(trailingMean([], 10), []);
    const input = [1, null, 3];
    trailingMean(input, 2);
    assert.deepEqual(input, [1, null, 3]);
  });

  it('rejects a window that is not a positive integer, and non-finite values', () => {
    assert.throws(() => trailingMean([1], 0), RangeError);
    assert.throws(() => trailingMean([1], 2.5), RangeError);
    assert.throws(() => trailingMean([1, Number.NaN], 2), RangeError);
    assert.throws(() => trailingMean([Number.POSITIVE_INFINITY], 2), RangeError);
  });
});
