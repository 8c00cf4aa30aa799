// Peak backlog and backlog drain time of SPEC §11 (`ingest.peak_backlog`, `ingest.backlog_drain_time_s`) from the
// consumer-lag readings of the run and the drain period. Must not read lag itself or smooth the readings.

import { nearestRank } from './nearest-rank.js';

export interface LagReading {
  /** Time of the reading, s (may be fractional), on the coordinator's clock. */
  at: number;
  /** Consumer lag, events (Σ streams). */
  lag: number;
}

export interface BacklogDrain {
  /** Max lag over the readings; null when there are none. */
  peak: number | null;
  /** Time of the FIRST reading with the peak lag. */
  peakAt: number | null;
  /** Time of the reading that ends the drain (= peakAt when the peak is ≤ threshold); null when it never drains. */
  drainedAt: number | null;
  /** drainedAt − peakAt, s; 0 when the peak is ≤ threshold; null when it never drains. */
  drainTimeS: number | null;
}

/** Readings ≤ threshold that must follow the drain reading, consecutively (SPEC §11: 2). */
const FOLLOWERS = 2;

/**
 * From the first reading of peak lag, the drain ends at the first reading (the peak itself included) with
 * lag ≤ threshold that is followed by 2 more consecutive readings ≤ threshold. A dip that rises again does not
 * count; a drain in the last 2 readings has too few followers and does not count either.
 * `readings` must be ascending by `at` (equal times allowed) with finite values (RangeError otherwise).
 */
export function backlogDrain(readings: readonly LagReading[], threshold: number): BacklogDrain {
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i];
    if (!Number.isFinite(r.at) || !Number.isFinite(r.lag)) {
      throw new RangeError(`backlogDrain: readings[${i}] is { at: ${r.at}, lag: ${r.lag} }, expected finite numbers`);
    }
    if (i > 0 && r.at < readings[i - 1].at) {
      throw new RangeError(`backlogDrain: readings must be ascending by time; readings[${i}].at ${r.at} < ${readings[i - 1].at}`);
    }
  }
  if (readings.length === 0) return { peak: null, peakAt: null, drainedAt: null, drainTimeS: null };
  let peakIdx = 0;
  for (let i = 1; i < readings.length; i++) if (readings[i].lag > readings[peakIdx].lag) peakIdx = i;
  const peak = readings[peakIdx].lag;
  const peakAt = readings[peakIdx].at;
  if (peak <= threshold) return { peak, peakAt, drainedAt: peakAt, drainTimeS: 0 };
  let below = 0; // consecutive readings ≤ threshold ending at i
  for (let i = peakIdx; i < readings.length; i++) {
    below = readings[i].lag <= threshold ? below + 1 : 0;
    if (below === FOLLOWERS + 1) {
      const drainedAt = readings[i - FOLLOWERS].at;
      return { peak, peakAt, drainedAt, drainTimeS: drainedAt - peakAt };
    }
  }
  return { peak, peakAt, drainedAt: null, drainTimeS: null };
}

/**
 * The drain threshold of SPEC §11: max(p95 of the lag readings in B by nearest rank (0 when there are none),
 * the baseline target EPS × 1 s), in events.
 */
export function drainThreshold(baselineLags: readonly number[], baselineTargetEps: number): number {
  return Math.max(nearestRank(baselineLags, 95) ?? 0, baselineTargetEps * 1);
}
