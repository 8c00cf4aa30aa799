import assert from 'node:assert/strict';
import { findRecovery, type RecoveryPoint } from '../../../src/stream-agg/recovery.js';

/** Points for consecutive seconds from 1000, one per p99 (null = window without a completed query). */
function pointsFrom(p99s: readonly (number | null)[], start = 1000): RecoveryPoint[] {
  return p99s.map((p99Ms, i) => ({ second: start + i, p99Ms }));
}

// Baseline p99 100 ms → C(t) ⇔ p99 ≤ 1.2 × 100 = 120 ms; default hold 5 → C at t and the next 5 non-skipped seconds.
const BASE = 100;

describe('findRecovery (SPEC §11 recovery.time_to_baseline_s)', () => {
  it('gives 0 when C holds from the start of R', () => {
    // 1000 … 1005 all ≤ 120 → t* = 1000 (itself + 5 more), time 1000 − 1000 = 0.
    assert.deepEqual(findRecovery(pointsFrom([110, 110, 110, 110, 110, 110, 110]), BASE), { recoveredAt: 1000, timeS: 0 });
  });

  it('counts a p99 equal to 1.2 × baseline as holding', () => {
    // 120 ≤ 1.2 × 100 = 120.
    assert.deepEqual(findRecovery(pointsFrom([120, 120, 120, 120, 120, 120]), BASE), { recoveredAt: 1000, timeS: 0 });
  });

  it('restarts the hold after a breach inside it', () => {
    // 1000, 1001 hold, 1002 = 130 > 120 breaks; 1003 … 1008 hold (1003 + 5 more) → t* = 1003, time 3.
    const pts = pointsFrom([110, 110, 130, 110, 110, 110, 110, 110, 110, 200]);
    assert.deepEqual(findRecovery(pts, BASE), { recoveredAt: 1003, timeS: 3 });
  });

  it('skips seconds without queries inside the hold: they neither hold nor break', () => {
    // 1000 breaks; 1001 holds; next non-skipped: 1003, 1006, 1007, 1008, 1009 (5, all ≤ 120) → t* = 1001, time 1.
    const pts = pointsFrom([130, 110, null, 110, null, null, 110, 110, 110, 110, 130]);
    assert.deepEqual(findRecovery(pts, BASE), { recoveredAt: 1001, timeS: 1 });
  });

  it('does not start recovery on a skipped second', () => {
    // 1000, 1001 skipped; 1002 … 1007 hold → t* = 1002, time 2 − measured from start(R) = 1000, the first point.
    const pts = pointsFrom([null, null, 110, 110, 110, 110, 110, 110]);
    assert.deepEqual(findRecovery(pts, BASE), { recoveredAt: 1002, timeS: 2 });
  });

  it('is null when fewer than 5 non-skipped seconds are left after the candidate', () => {
    // 1000 breaks; 1001 holds but only 1002 … 1005 follow (4) → null.
    assert.deepEqual(findRecovery(pointsFrom([130, 110, 110, 110, 110, 110]), BASE), { recoveredAt: null, timeS: null });
    // The same with skipped seconds at the end: they do not count towards the 5.
    const skippedTail = pointsFrom([130, 110, 110, 110, 110, 110, null, null]);
    assert.deepEqual(findRecovery(skippedTail, BASE), { recoveredAt: null, timeS: null });
    // One more holding second is enough: 1001 + 1002 … 1006 → t* = 1001.
    assert.deepEqual(findRecovery(pointsFrom([130, 110, 110, 110, 110, 110, 110]), BASE), { recoveredAt: 1001, timeS: 1 });
  });

  it('is null when C never holds long enough', () => {
    const pts = pointsFrom([110, 130, 110, 110, 130, 110, 110, 110, 130]);
    assert.deepEqual(findRecovery(pts, BASE), { recoveredAt: null, timeS: null });
  });

  it('is null when the baseline p99 is null, points are empty, or every second is skipped', () => {
    assert.deepEqual(findRecovery(pointsFrom([110, 110, 110, 110, 110, 110]), null), { recoveredAt: null, timeS: null });
    assert.deepEqual(findRecovery([], BASE), { recoveredAt: null, timeS: null });
    assert.deepEqual(findRecovery(pointsFrom([null, null, null]), BASE), { recoveredAt: null, timeS: null });
  });

  it('uses the given factor and hold', () => {
    // factor 2 → limit 200; hold 1 → C at t and 1 more non-skipped second.
    // 250 breaks; 190 at 1001 and 180 at 1003 (1002 skipped) → t* = 1001.
    const pts = pointsFrom([250, 190, null, 180]);
    assert.deepEqual(findRecovery(pts, BASE, { factor: 2, hold: 1 }), { recoveredAt: 1001, timeS: 1 });
    // hold 0 → the first second with C: 1001.
    assert.deepEqual(findRecovery(pts, BASE, { hold: 0, factor: 2 }), { recoveredAt: 1001, timeS: 1 });
  });

  it('rejects points that are not ascending and invalid options', () => {
    const unordered = [{ second: 1001, p99Ms: 1 }, { second: 1000, p99Ms: 1 }];
    assert.throws(() => findRecovery(unordered, BASE), RangeError);
    assert.throws(() => findRecovery(pointsFrom([1]), BASE, { hold: -1 }), RangeError);
    assert.throws(() => findRecovery(pointsFrom([1]), BASE, { factor: 0 }), RangeError);
  });
});
