import assert from 'node:assert/strict';
import { Hist } from '../../../src/metrics/hist.js';
import { baselineStability, type BaselineSecond } from '../../../src/stream-agg/baseline-stability.js';

// Latencies below 2048 µs are recorded exactly by the project's Hist (3 significant digits → unit 1 µs there), so a
// window's p99 is exactly one of the recorded values. hdr p99 = the ⌈0.99 · N⌉-th smallest; for N ≤ 100 that is the
// N-th, i.e. the largest value of the window.

const T0 = 1000;

/** Equal up to binary rounding of ms fractions ((1.21 + 1.22) / 2 is 1.2149999999999999 in binary). */
function close(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `expected ${expected}, got ${actual}`);
}

/** One second of B with the given latencies (µs); `completed` = their count. */
function second(s: number, latenciesUs: readonly number[]): BaselineSecond {
  const latency = new Hist();
  for (const us of latenciesUs) latency.record(us);
  return { second: s, completed: latenciesUs.length, latency };
}

/**
 * B: `skipped` seconds of 2000 µs queries (to prove they are left out), then for each window spec a run of seconds.
 * A window spec is [seconds, queries per second, latency µs of every query, the largest latency of the window].
 */
function baseline(skipped: number, windows: readonly [number, number, number, number][]): BaselineSecond[] {
  const out: BaselineSecond[] = [];
  for (let i = 0; i < skipped; i++) out.push(second(T0 + i, [2000, 2000, 2000]));
  for (const [n, perSecond, us, peakUs] of windows) {
    for (let i = 0; i < n; i++) {
      const lat = Array.from({ length: perSecond }, () => us);
      if (i === 0 && perSecond > 0) lat[0] = peakUs; // the window's largest value sits in its first second
      out.push(second(T0 + out.length, lat));
    }
  }
  return out;
}

describe('baselineStability (SPEC §12.1 baseline stability)', () => {
  it('passes when the largest window p99 is within 2 × the median window p99', () => {
    // 10 skipped s, then 6 windows of 10 s × 3 queries = 30 queries each (≥ 20), p99 = largest value:
    // 1300, 1210, 1200, 1220, 1100, 1250 µs. Sorted 1100 1200 1210 1220 1250 1300 → median (1210 + 1220)/2 = 1215 µs.
    // max 1300 µs = 1.3 ms ≤ 2 × 1.215 = 2.43 ms → passed. Detail rounds to 1 decimal: 1.215 → 1.2.
    const b = baseline(10, [
      [10, 3, 1000, 1300], [10, 3, 1000, 1210], [10, 3, 1000, 1200],
      [10, 3, 1000, 1220], [10, 3, 1000, 1100], [10, 3, 1000, 1250],
    ]);
    const out = baselineStability(b);
    assert.equal(out.judged, true);
    assert.equal(out.passed, true);
    assert.deepEqual(out.windows.map((w) => w.p99Ms), [1.3, 1.21, 1.2, 1.22, 1.1, 1.25]);
    assert.deepEqual(out.windows[0], { from: 1010, to: 1019, completed: 30, p99Ms: 1.3 });
    assert.deepEqual(out.windows[5], { from: 1060, to: 1069, completed: 30, p99Ms: 1.25 });
    assert.equal(out.maxP99Ms, 1.3);
    close(out.medianP99Ms, 1.215);
    assert.equal(out.detail, 'largest window p99 1.3 ms ≤ 2 × median 1.2 ms (6 windows)');
  });

  it('fails when the largest window p99 exceeds 2 × the median', () => {
    // 4 windows, p99 500 500 500 1100 µs; median of 4 = (500 + 500)/2 = 500; 1100 > 2 × 500 = 1000 → failed.
    const b = baseline(10, [[10, 3, 500, 500], [10, 3, 500, 500], [10, 3, 500, 500], [10, 3, 500, 1100]]);
    const out = baselineStability(b);
    assert.equal(out.judged, true);
    assert.equal(out.passed, false);
    assert.equal(out.maxP99Ms, 1.1);
    assert.equal(out.medianP99Ms, 0.5);
    assert.equal(out.detail, 'largest window p99 1.1 ms > 2 × median 0.5 ms (4 windows)');
  });

  it('passes when the largest window p99 is exactly 2 × the median', () => {
    // p99 500 500 1000 µs: median 500, max 1000 ≤ 2 × 500.
    const out = baselineStability(baseline(10, [[10, 3, 500, 500], [10, 3, 500, 500], [10, 3, 500, 1000]]));
    assert.equal(out.passed, true);
  });

  it('takes the mean of the two middle window p99s for an even count', () => {
    // p99 1000 1600 1200 1400 µs → sorted 1000 1200 1400 1600 → median (1200 + 1400)/2 = 1300 µs = 1.3 ms.
    const b = baseline(10, [[10, 3, 900, 1000], [10, 3, 900, 1600], [10, 3, 900, 1200], [10, 3, 900, 1400]]);
    close(baselineStability(b).medianP99Ms, 1.3);
  });

  it('takes the window p99 from the merged histogram, not from per-second p99s', () => {
    // One window of 10 s × 20 queries = 200. Seconds 0 and 1 hold 19 × 1000 + 1 × 2000 µs (per-second p99 =
    // ⌈19.8⌉ = 20th = 2000), the other 8 seconds 20 × 1000. Merged: 198 × 1000, 2 × 2000; p99 = ⌈0.99 · 200⌉ = 198th
    // = 1000 µs = 1.0 ms (a mean of per-second p99s would give 1200 µs, their max 2000 µs).
    const spiky = [...Array.from({ length: 19 }, () => 1000), 2000];
    const flat = Array.from({ length: 20 }, () => 1000);
    const b: BaselineSecond[] = [];
    for (let i = 0; i < 10; i++) b.push(second(T0 + i, [1000]));
    for (let i = 0; i < 10; i++) b.push(second(T0 + 10 + i, i < 2 ? spiky : flat));
    for (let i = 0; i < 10; i++) b.push(second(T0 + 20 + i, flat));
    const out = baselineStability(b);
    assert.deepEqual(out.windows[0], { from: 1010, to: 1019, completed: 200, p99Ms: 1 });
  });

  it('merges a window with fewer than 20 completed queries into the next, and a thin last window into the previous', () => {
    // After the skip: W1 1010–1019 has 10 × 1 = 10 queries (< 20) → joins W2 1020–1029 (10 × 2 = 20) → 30 queries,
    // 1010–1029, p99 = its largest value 1500 µs (sitting in the thin part).
    // W3 1030–1039: 10 × 3 = 30 → a window, p99 1100 µs. W4 1040–1049: 10 × 1 = 10 < 20 and last → joins W3:
    // 1030–1049, 40 queries, p99 = max(1100, 1900) = 1900 µs.
    const b = baseline(10, [[10, 1, 1000, 1500], [10, 2, 1000, 1000], [10, 3, 1000, 1100], [10, 1, 1000, 1900]]);
    const out = baselineStability(b);
    assert.deepEqual(out.windows, [
      { from: 1010, to: 1029, completed: 30, p99Ms: 1.5 },
      { from: 1030, to: 1049, completed: 40, p99Ms: 1.9 },
    ]);
    // median of 2 = (1.5 + 1.9)/2 = 1.7; 1.9 ≤ 3.4 → passed.
    close(out.medianP99Ms, 1.7);
    assert.equal(out.passed, true);
  });

  it('merges several thin windows forward until they reach 20 queries', () => {
    // W1 1010–1019 has 0 queries, W2 1020–1029 10 × 1 = 10, W3 1030–1039 10 × 1 = 10: running totals 0, 10, 20
    // → one window 1010–1039 with 20 queries; W4 1040–1049 has 10 × 3 = 30 → a window of its own.
    const b = baseline(10, [[10, 0, 0, 0], [10, 1, 1000, 1000], [10, 1, 1000, 1200], [10, 3, 1000, 1300]]);
    const out = baselineStability(b);
    assert.deepEqual(
      out.windows.map((w) => [w.from, w.to, w.completed]),
      [[1010, 1039, 20], [1040, 1049, 30]],
    );
  });

  it('counts a last partial window as a window', () => {
    // 10 skipped + 25 s: windows 1010–1019, 1020–1029, 1030–1034 (5 s × 5 = 25 queries ≥ 20) → 3 windows.
    const b = baseline(10, [[10, 3, 1000, 1000], [10, 3, 1000, 1000], [5, 5, 1000, 1000]]);
    const out = baselineStability(b);
    assert.deepEqual(out.windows.map((w) => [w.from, w.to, w.completed]), [[1010, 1019, 30], [1020, 1029, 30], [1030, 1034, 25]]);
    assert.equal(out.judged, true);
  });

  it('is not judged with a single window, and says why', () => {
    // 10 skipped + 15 s: 1010–1019 has 30, 1020–1024 has 5 × 1 = 5 < 20 → joins it: one window 1010–1024.
    const out = baselineStability(baseline(10, [[10, 3, 1000, 1000], [5, 1, 1000, 1000]]));
    assert.equal(out.judged, false);
    assert.equal(out.passed, null);
    assert.deepEqual(out.windows.map((w) => [w.from, w.to, w.completed]), [[1010, 1024, 35]]);
    assert.equal(out.maxP99Ms, 1);
    assert.equal(out.medianP99Ms, 1);
    assert.equal(out.detail, '1 window of ≥ 20 queries after the first 10 s; 2 needed');
  });

  it('is not judged with no window: B no longer than the skipped part, or too few queries in all', () => {
    const short = baselineStability(baseline(10, []));
    assert.deepEqual(
      { judged: short.judged, passed: short.passed, windows: short.windows, max: short.maxP99Ms, median: short.medianP99Ms },
      { judged: false, passed: null, windows: [], max: null, median: null },
    );
    assert.equal(short.detail, '0 windows of ≥ 20 queries after the first 10 s; 2 needed');
    // 30 s after the skip with 10 × 1 + 5 × 1 + 15 × 0 = 15 queries in all (< 20) → no window.
    const thin = baselineStability(baseline(10, [[10, 1, 1000, 1000], [5, 1, 1000, 1000], [15, 0, 0, 0]]));
    assert.equal(thin.windows.length, 0);
    assert.equal(thin.judged, false);
    assert.equal(baselineStability([]).judged, false);
  });

  it('uses the given options', () => {
    // skipS 0, windowS 5, minCompleted 1, factor 1.5: 4 windows of 5 s over 20 s (no skip: the 2000 µs seconds count).
    // Windows: 1000–1004 (p99 2000 µs), 1005–1009 (2000), 1010–1014 (1000), 1015–1019 (1000) → median 1500 µs;
    // 2000 ≤ 1.5 × 1500 = 2250 → passed.
    const b = baseline(10, [[10, 1, 1000, 1000]]);
    const out = baselineStability(b, { skipS: 0, windowS: 5, minCompleted: 1, factor: 1.5 });
    assert.deepEqual(out.windows.map((w) => [w.from, w.to, w.p99Ms]), [[1000, 1004, 2], [1005, 1009, 2], [1010, 1014, 1], [1015, 1019, 1]]);
    assert.equal(out.detail, 'largest window p99 2.0 ms ≤ 1.5 × median 1.5 ms (4 windows)');
  });

  it('does not change the input histograms', () => {
    const b = baseline(10, [[10, 3, 1000, 1300], [10, 3, 1000, 1200]]);
    const before = b.map((s) => s.latency.encode());
    baselineStability(b);
    assert.deepEqual(b.map((s) => s.latency.encode()), before);
  });

  it('rejects seconds that are not consecutive and invalid options', () => {
    const gap = [second(T0, [1000]), second(T0 + 2, [1000])];
    assert.throws(() => baselineStability(gap), RangeError);
    assert.throws(() => baselineStability([], { windowS: 0 }), RangeError);
    assert.throws(() => baselineStability([], { factor: 0 }), RangeError);
  });
});
