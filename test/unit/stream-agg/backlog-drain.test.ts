import assert from 'node:assert/strict';
import { backlogDrain, drainThreshold, type LagReading } from '../../../src/stream-agg/backlog-drain.js';

/** Readings one per second from `start`, one per lag. */
function readings(lags: readonly number[], start = 0): LagReading[] {
  return lags.map((lag, i) => ({ at: start + i, lag }));
}

const THRESHOLD = 100;

describe('backlogDrain (SPEC §11 ingest.peak_backlog, ingest.backlog_drain_time_s)', () => {
  it('drains at the first reading ≤ threshold followed by 2 more', () => {
    // Peak 1000 at 2; 90 (at 4), 80, 70 are ≤ 100 → drained at 4, time 4 − 2 = 2.
    // The 50 at 0 is before the peak and does not count.
    assert.deepEqual(backlogDrain(readings([50, 300, 1000, 600, 90, 80, 70, 60]), THRESHOLD), {
      peak: 1000, peakAt: 2, drainedAt: 4, drainTimeS: 2,
    });
  });

  it('uses fractional reading times', () => {
    // Peak 800 at 1.25; 40 at 3.75, 30 at 5, 20 at 6.5 → drained at 3.75, time 3.75 − 1.25 = 2.5.
    const r = [
      { at: 0, lag: 10 }, { at: 1.25, lag: 800 }, { at: 2.5, lag: 400 },
      { at: 3.75, lag: 40 }, { at: 5, lag: 30 }, { at: 6.5, lag: 20 },
    ];
    assert.deepEqual(backlogDrain(r, THRESHOLD), { peak: 800, peakAt: 1.25, drainedAt: 3.75, drainTimeS: 2.5 });
  });

  it('is null when the lag never gets down to the threshold', () => {
    assert.deepEqual(backlogDrain(readings([50, 1000, 500, 200, 101]), THRESHOLD), {
      peak: 1000, peakAt: 1, drainedAt: null, drainTimeS: null,
    });
  });

  it('is null when it drains only in the last 2 readings (not enough followers)', () => {
    // 90 at 2 is followed by 80 only.
    assert.deepEqual(backlogDrain(readings([1000, 500, 90, 80]), THRESHOLD), {
      peak: 1000, peakAt: 0, drainedAt: null, drainTimeS: null,
    });
    // With a third reading ≤ 100 it drains at 2.
    assert.deepEqual(backlogDrain(readings([1000, 500, 90, 80, 70]), THRESHOLD), {
      peak: 1000, peakAt: 0, drainedAt: 2, drainTimeS: 2,
    });
  });

  it('gives 0 when the peak is ≤ threshold, even with too few readings to follow it', () => {
    // Peak 100 ≤ 100 at 1.
    assert.deepEqual(backlogDrain(readings([10, 100, 40]), THRESHOLD), { peak: 100, peakAt: 1, drainedAt: 1, drainTimeS: 0 });
    assert.deepEqual(backlogDrain(readings([7]), THRESHOLD), { peak: 7, peakAt: 0, drainedAt: 0, drainTimeS: 0 });
  });

  it('measures from the first of two equal peaks', () => {
    // Peaks 1000 at 1 and 3: the first counts. 50 at 2 is followed by 1000 (no); 90 at 4, 80, 70 → drained at 4,
    // time 4 − 1 = 3 (from the second peak it would be 1).
    assert.deepEqual(backlogDrain(readings([200, 1000, 50, 1000, 90, 80, 70]), THRESHOLD), {
      peak: 1000, peakAt: 1, drainedAt: 4, drainTimeS: 3,
    });
  });

  it('does not count a dip below the threshold that rises again', () => {
    // 90 at 1, 80 at 2, then 500 at 3 → not drained at 1; 90 at 4, 80, 70 → drained at 4, time 4.
    assert.deepEqual(backlogDrain(readings([1000, 90, 80, 500, 90, 80, 70]), THRESHOLD), {
      peak: 1000, peakAt: 0, drainedAt: 4, drainTimeS: 4,
    });
  });

  it('returns all null for no readings', () => {
    assert.deepEqual(backlogDrain([], THRESHOLD), { peak: null, peakAt: null, drainedAt: null, drainTimeS: null });
  });

  it('rejects readings out of time order or with non-finite values', () => {
    assert.throws(() => backlogDrain([{ at: 2, lag: 1 }, { at: 1, lag: 1 }], THRESHOLD), RangeError);
    assert.throws(() => backlogDrain([{ at: 0, lag: Number.NaN }], THRESHOLD), RangeError);
  });
});

describe('drainThreshold (SPEC §11 backlog drain threshold)', () => {
  // Lags 1 … 20 in B: p95 by nearest rank = ⌈0.95 · 20⌉ = 19th smallest = 19.
  const lags = Array.from({ length: 20 }, (_, i) => 20 - i);

  it('is the p95 of the baseline lag readings when that exceeds one second of target EPS', () => {
    assert.equal(drainThreshold(lags, 10), 19); // max(19, 10 × 1)
  });

  it('is the baseline target EPS × 1 s when that is larger', () => {
    assert.equal(drainThreshold(lags, 50), 50); // max(19, 50 × 1)
  });

  it('takes 0 for the p95 when B has no lag readings', () => {
    assert.equal(drainThreshold([], 30), 30); // max(0, 30)
    assert.equal(drainThreshold([], 0), 0);
  });
});
