import assert from 'node:assert/strict';
import { draw32, drawFrom, eventKey, eventKeyFrom, seedKey, slotMix, unit } from '../../../src/generators/hash.js';

/** Chi-square statistic of observed bucket counts against a uniform expectation. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + ((c - expected) ** 2) / expected, 0);
}

/** A generous bound for a chi-square with `df` degrees of freedom: mean + 6 standard deviations. */
function chiBound(df: number): number {
  return df + 6 * Math.sqrt(2 * df);
}

describe('counter-based hash (SPEC §5.1)', () => {
  it('is a pure function of (seed, g, field, k)', () => {
    assert.equal(draw32(42, 7, 3, 1), draw32(42, 7, 3, 1));
    assert.equal(drawFrom(eventKeyFrom(seedKey(42), 7), slotMix(3, 1)), draw32(42, 7, 3, 1));
    assert.equal(eventKey(42, 7), eventKeyFrom(seedKey(42), 7));
  });

  it('keeps its values across releases (the determinism contract)', () => {
    assert.deepEqual([draw32(42, 0, 0, 0), draw32(42, 1, 0, 0), draw32(0, 123456789, 13, 2)], PINNED);
  });

  it('returns unsigned 32-bit integers and units in [0, 1)', () => {
    for (let g = 0; g < 10000; g++) {
      const x = draw32(1, g, 2, 3);
      assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 32);
      const u = unit(1, g, 2, 3);
      assert.ok(u >= 0 && u < 1);
    }
  });

  it('uses the high word of g (events beyond 2^32 differ from those 2^32 earlier)', () => {
    let same = 0;
    for (let g = 0; g < 1000; g++) if (draw32(5, g, 0, 0) === draw32(5, g + 2 ** 32, 0, 0)) same++;
    assert.equal(same, 0);
    assert.notEqual(draw32(5, 2 ** 40 + 1, 0, 0), draw32(5, 2 ** 40, 0, 0));
  });

  it('differs for neighbouring seeds, fields and draws', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 8; seed++) {
      for (let field = 0; field < 16; field++) {
        for (let k = 0; k < 16; k++) seen.add(draw32(seed, 99, field, k));
      }
    }
    assert.equal(seen.size, 8 * 16 * 16);
  });

  it('sets every bit about half the time over consecutive g', () => {
    const n = 100000;
    const ones = new Array<number>(32).fill(0);
    for (let g = 0; g < n; g++) {
      const x = draw32(42, g, 3, 0);
      for (let b = 0; b < 32; b++) ones[b]! += (x >>> b) & 1;
    }
    const sigma = Math.sqrt(n / 4);
    for (let b = 0; b < 32; b++) assert.ok(Math.abs(ones[b]! - n / 2) < 5 * sigma, `bit ${b}: ${ones[b]} of ${n}`);
  });

  it('spreads consecutive g, fields and draws evenly over 256 buckets (chi-square)', () => {
    const byG = new Array<number>(256).fill(0);
    const byField = new Array<number>(256).fill(0);
    const byK = new Array<number>(256).fill(0);
    const lowByte = new Array<number>(256).fill(0);
    for (let i = 0; i < 256 * 1000; i++) {
      byG[draw32(42, i, 0, 0) >>> 24]!++;
      byField[draw32(42, 17, i & 0xffff, i >>> 16) >>> 24]!++;
      byK[draw32(42, i >>> 10, 4, i & 1023) >>> 24]!++;
      lowByte[draw32(9, i, 1, 1) & 255]!++;
    }
    for (const [name, counts] of [['g', byG], ['field', byField], ['k', byK], ['low byte', lowByte]] as const) {
      const chi = chiSquare(counts);
      assert.ok(chi < chiBound(255), `${name}: chi-square ${chi.toFixed(1)}`);
    }
  });

  it('has no visible correlation between consecutive g (pairs of top nibbles, chi-square)', () => {
    const pairs = new Array<number>(256).fill(0);
    let prev = draw32(3, 0, 0, 0) >>> 28;
    for (let g = 1; g <= 256 * 800; g++) {
      const cur = draw32(3, g, 0, 0) >>> 28;
      pairs[prev * 16 + cur]!++;
      prev = cur;
    }
    assert.ok(chiSquare(pairs) < chiBound(255));
  });

  it('flips about half the output bits when one input bit of g flips (avalanche)', () => {
    let flipped = 0;
    let trials = 0;
    for (let g = 0; g < 2000; g++) {
      for (let bit = 0; bit < 32; bit++) {
        const d = (draw32(1, g, 0, 0) ^ draw32(1, (g ^ (1 << bit)) >>> 0, 0, 0)) >>> 0;
        flipped += popcount(d);
        trials++;
      }
    }
    const mean = flipped / trials;
    assert.ok(Math.abs(mean - 16) < 0.2, `mean flipped bits ${mean}`);
  });

  it('rejects draw slots outside 16 bits', () => {
    assert.throws(() => slotMix(65536, 0), RangeError);
    assert.throws(() => slotMix(0, 65536), RangeError);
  });
});

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v !== 0; v >>>= 1) c += v & 1;
  return c;
}

/** Values of the first release: changing them changes every generated event. */
const PINNED = [1868632036, 2715842000, 3494577563];
