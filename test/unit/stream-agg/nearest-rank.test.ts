import assert from 'node:assert/strict';
import { nearestRank } from '../../../src/stream-agg/nearest-rank.js';

describe('nearestRank (SPEC §11: the ⌈p·n⌉-th smallest of a sample list)', () => {
  // Sorted: 15 20 35 40 50 (n = 5), given unsorted.
  const samples = [35, 50, 15, 40, 20];

  it('returns the ⌈p/100·n⌉-th smallest for p between the ranks', () => {
    assert.equal(nearestRank(samples, 5), 15); // ⌈0.05·5⌉ = ⌈0.25⌉ = 1 → 15
    assert.equal(nearestRank(samples, 30), 20); // ⌈1.5⌉ = 2 → 20
    assert.equal(nearestRank(samples, 50), 35); // ⌈2.5⌉ = 3 → 35
    assert.equal(nearestRank(samples, 95), 50); // ⌈4.75⌉ = 5 → 50
  });

  it('takes the rank itself, not the next one, when p·n/100 is a whole number', () => {
    assert.equal(nearestRank(samples, 40), 20); // 0.40·5 = 2 → rank 2 → 20 (not 35)
    assert.equal(nearestRank(samples, 80), 40); // 0.80·5 = 4 → rank 4 → 40
  });

  it('returns the smallest for p = 0 and the largest for p = 100', () => {
    assert.equal(nearestRank(samples, 0), 15); // rank ⌈0⌉ = 0 → clamped to 1
    assert.equal(nearestRank(samples, 100), 50); // rank 5
  });

  it('gives the hand rank for decimal percentiles despite binary floating point', () => {
    // 1 … 1000: 99.9 % → ⌈999⌉ = 999 (99.9/100·1000 is 999.0000000000001 in binary, which would give 1000).
    const thousand = Array.from({ length: 1000 }, (_, i) => i + 1);
    assert.equal(nearestRank(thousand, 99.9), 999);
    // 1 … 100: 57 % → ⌈57⌉ = 57 (0.57·100 is 56.99999999999999 in binary); 14 % → 14 (not 15 from 14.000000000000002).
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(nearestRank(hundred, 57), 57);
    assert.equal(nearestRank(hundred, 14), 14);
    // 20 samples 1 … 20, p95 → ⌈19⌉ = 19.
    assert.equal(nearestRank(hundred.slice(0, 20), 95), 19);
  });

  it('counts duplicates as separate samples', () => {
    // Sorted: 1 7 7 7 9; p50 → ⌈2.5⌉ = 3 → 7; p20 → ⌈1⌉ = 1 → 1; p21 → ⌈1.05⌉ = 2 → 7.
    assert.equal(nearestRank([7, 1, 7, 9, 7], 50), 7);
    assert.equal(nearestRank([7, 1, 7, 9, 7], 20), 1);
    assert.equal(nearestRank([7, 1, 7, 9, 7], 21), 7);
  });

  it('returns the only sample of a one-sample list for every p', () => {
    for (const p of [0, 1, 50, 99, 100]) assert.equal(nearestRank([42], p), 42);
  });

  it('sorts numerically, not as text', () => {
    // Text order would be 100, 25, 9; numeric 9, 25, 100 → p100 = 100, p34 → ⌈1.02⌉ = 2 → 25.
    assert.equal(nearestRank([100, 9, 25], 100), 100);
    assert.equal(nearestRank([100, 9, 25], 34), 25);
  });

  it('returns null for an empty list', () => {
    assert.equal(nearestRank([], 50), null);
  });

  it('does not mutate its input', () => {
    const input = [3, 1, 2];
    nearestRank(input, 50);
    assert.deepEqual(input, [3, 1, 2]);
  });

  it('rejects p outside 0..100 and NaN samples', () => {
    assert.throws(() => nearestRank([1], -1), RangeError);
    assert.throws(() => nearestRank([1], 100.5), RangeError);
    assert.throws(() => nearestRank([1], Number.NaN), RangeError);
    assert.throws(() => nearestRank([1, Number.NaN], 50), RangeError);
  });
});
