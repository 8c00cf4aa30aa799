import assert from 'node:assert/strict';
import { isolationCorrelation, pearson } from '../../../src/stream-agg/pearson.js';

function close(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null, `${what}: expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);
}

describe('pearson', () => {
  it('computes r from the centred sums', () => {
    // xs 1 2 3 4 (mean 2.5) → dx −1.5 −0.5 0.5 1.5; ys 2 1 4 3 (mean 2.5) → dy −0.5 −1.5 1.5 0.5.
    // Σdx·dy = 0.75 + 0.75 + 0.75 + 0.75 = 3; Σdx² = 2.25 + 0.25 + 0.25 + 2.25 = 5; Σdy² = 5 → r = 3 / √25 = 0.6.
    close(pearson([1, 2, 3, 4], [2, 1, 4, 3]), 0.6, 'r');
  });

  it('is 1 for a perfect rising line and −1 for a falling one', () => {
    // ys = 2·xs + 1: dy = 2·dx → r = 2Σdx² / √(Σdx² · 4Σdx²) = 1.
    close(pearson([1, 2, 3], [3, 5, 7]), 1, 'rising');
    close(pearson([1, 2, 3], [3, 2, 1]), -1, 'falling');
  });

  it('is 0 when the centred products cancel', () => {
    // xs 1 2 3 → dx −1 0 1; ys 1 3 1 (mean 5/3) → dy −2/3 4/3 −2/3; Σdx·dy = 2/3 + 0 − 2/3 = 0.
    close(pearson([1, 2, 3], [1, 3, 1]), 0, 'r');
  });

  it('returns null when the lengths differ or there are fewer than 2 pairs', () => {
    assert.equal(pearson([1, 2, 3], [1, 2]), null);
    assert.equal(pearson([1], [1]), null);
    assert.equal(pearson([], []), null);
  });

  it('returns null when either series is constant (variance 0)', () => {
    assert.equal(pearson([5, 5, 5], [1, 2, 3]), null);
    assert.equal(pearson([1, 2, 3], [7, 7, 7]), null);
  });

  it('treats a series that differs only by floating point rounding as constant', () => {
    // 0.3 and 0.29999999999999993 (the mean of ten 0.3 in binary) are the same measurement: no correlation.
    assert.equal(pearson([0.3, 0.29999999999999993, 0.3, 0.29999999999999993], [1, 2, 3, 4]), null);
  });

  it('rejects non-finite values', () => {
    assert.throws(() => pearson([1, Number.NaN], [1, 2]), RangeError);
  });
});

describe('isolationCorrelation (SPEC §11 isolation.*)', () => {
  const all = (n: number): boolean[] => Array.from({ length: n }, () => true);

  it('pairs the included seconds of the smoothed series, smoothing over excluded seconds too', () => {
    // window 2: x 4 0 2 6 → smoothed 4, (4+0)/2 = 2, (0+2)/2 = 1, (2+6)/2 = 4;
    //           y 0 2 2 4 → smoothed 0, (0+2)/2 = 1, (2+2)/2 = 2, (2+4)/2 = 3.
    // include second 0? no → pairs (2,1) (1,2) (4,3). x̄ = 7/3, ȳ = 2; dx −1/3 −4/3 5/3; dy −1 0 1.
    // Σdx·dy = 1/3 + 0 + 5/3 = 2; Σdx² = (1 + 16 + 25)/9 = 14/3; Σdy² = 2 → r = 2 / √(28/3) = √(3/7) ≈ 0.6547.
    const out = isolationCorrelation([4, 0, 2, 6], [0, 2, 2, 4], [false, true, true, true], { window: 2, minN: 3 });
    assert.equal(out.n, 3);
    close(out.r, Math.sqrt(3 / 7), 'r');
  });

  it('leaves out excluded seconds whatever their values', () => {
    // window 1 (no smoothing): the first four pairs give r = 0.6 (see pearson above); the fifth is excluded.
    const out = isolationCorrelation([1, 2, 3, 4, 1000], [2, 1, 4, 3, -1000], [true, true, true, true, false], {
      window: 1,
      minN: 2,
    });
    assert.equal(out.n, 4);
    close(out.r, 0.6, 'r');
  });

  it('leaves out seconds whose smoothed value is null in either series', () => {
    // window 1: second 0 has no x, second 2 has no y → pairs (2,1) (4,3) (5,8):
    // x̄ = 11/3, ȳ = 4; dx −5/3 1/3 4/3; dy −3 −1 4; Σdx·dy = 5 − 1/3 + 16/3 = 10; Σdx² = (25+1+16)/9 = 14/3;
    // Σdy² = 9 + 1 + 16 = 26 → r = 10 / √(14/3 · 26) = 10 / √(364/3).
    const out = isolationCorrelation([null, 2, 3, 4, 5], [7, 1, null, 3, 8], all(5), { window: 1, minN: 2 });
    assert.equal(out.n, 3);
    close(out.r, 10 / Math.sqrt(364 / 3), 'r');
  });

  it('needs 10 pairs by default: 9 give null, 10 give r', () => {
    // x = 0 … 9, y = 2x; window 10 smooths both to running means x̃ᵢ = i/2, ỹᵢ = i → a perfect line, r = 1.
    const x = Array.from({ length: 10 }, (_, i) => i);
    const y = x.map((v) => 2 * v);
    const ten = isolationCorrelation(x, y, all(10));
    assert.equal(ten.n, 10);
    close(ten.r, 1, 'r with 10 pairs');
    const nine = isolationCorrelation(x, y, [...all(9), false]);
    assert.deepEqual(nine, { r: null, n: 9 });
  });

  it('returns null r with the pair count when a smoothed series is constant', () => {
    const x = Array.from({ length: 12 }, (_, i) => i);
    const y = x.map(() => 5);
    assert.deepEqual(isolationCorrelation(x, y, all(12)), { r: null, n: 12 });
  });

  it('returns n = 0 for empty series', () => {
    assert.deepEqual(isolationCorrelation([], [], []), { r: null, n: 0 });
  });

  it('rejects series of different lengths', () => {
    assert.throws(() => isolationCorrelation([1, 2], [1, 2], [true]), RangeError);
    assert.throws(() => isolationCorrelation([1, 2], [1], [true, true]), RangeError);
  });
});
