// Freshness sentinels of a stream (SPEC §5.3): which g carries sentinel n, which sentinels fall in a lane's g
// range, and the sentinel id text. Must not touch event content beyond naming the id; the encoder does that.

import { roundHalfUp } from '../core/numbers.js';
import type { StreamSchedule } from './schedule.js';

/**
 * `ib-<first 8 characters of the run id>-<n>`; in a run of several streams `ib-<…>-<stream>-<n>`, since each stream
 * counts its own sentinels from 0 and one probe asks every stream's table for every pending id (decision 016).
 */
export function sentinelId(runId: string, n: number, stream: string | null = null): string {
  return stream === null ? `ib-${runId.slice(0, 8)}-${n}` : `ib-${runId.slice(0, 8)}-${stream}-${n}`;
}

export interface SentinelAt {
  n: number;
  g: number;
}

export class SentinelSchedule {
  /** The interval in whole milliseconds (interval_s × 1000, rounded half up, at least 1). */
  readonly intervalMs: number;

  constructor(private readonly schedule: StreamSchedule, intervalS: number) {
    if (!(intervalS > 0)) throw new RangeError(`sentinel interval must be > 0 s, got ${intervalS}`);
    this.intervalMs = Math.max(1, roundHalfUp(1000 * intervalS));
  }

  /** t0 + n × interval: sentinel n is the first event scheduled at or after it. */
  thresholdMs(n: number): number {
    return this.schedule.t0Ms + n * this.intervalMs;
  }

  /** The g of sentinel n; null when it is skipped (same g as sentinel n − 1) or no event is left. */
  gOf(n: number): number | null {
    const g = this.schedule.firstAtOrAfter(this.thresholdMs(n));
    if (g >= this.schedule.totalEvents) return null;
    if (n > 0 && this.schedule.firstAtOrAfter(this.thresholdMs(n - 1)) === g) return null;
    return g;
  }

  /** The sentinel number g carries, or null. */
  nAt(g: number): number | null {
    const s = this.schedule;
    if (g === 0) return s.totalEvents > 0 ? 0 : null;
    // g carries sentinel n ⟺ s(g − 1) < threshold(n) ≤ s(g); the smallest such n is the one not skipped.
    const n = this.firstThresholdAfter(s.scheduledTimeOf(g - 1));
    return this.thresholdMs(n) <= s.scheduledTimeOf(g) ? n : null;
  }

  /** Sentinels whose g is in [a, b) and owned by lane `lane` of `lanes`, in increasing g. */
  inRange(a: number, b: number, lane = 0, lanes = 1): SentinelAt[] {
    const s = this.schedule;
    const end = Math.min(b, s.totalEvents);
    const start = Math.max(0, a);
    if (start >= end) return [];
    const nFrom = start === 0 ? 0 : this.firstThresholdAfter(s.scheduledTimeOf(start - 1));
    const nTo = Math.floor((s.scheduledTimeOf(end - 1) - s.t0Ms) / this.intervalMs);
    const out: SentinelAt[] = [];
    let prev = -1; // sentinel nFrom − 1 lies before `start`, so nFrom is never skipped
    for (let n = nFrom; n <= nTo; n++) {
      const g = s.firstAtOrAfter(this.thresholdMs(n));
      if (g === prev) continue;
      prev = g;
      if ((g - lane) % lanes === 0) out.push({ n, g });
    }
    return out;
  }

  /** The smallest n whose threshold is > ms. */
  private firstThresholdAfter(ms: number): number {
    return Math.floor((ms - this.schedule.t0Ms) / this.intervalMs) + 1;
  }
}
