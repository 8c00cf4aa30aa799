// Harness saturation (SPEC §10.4): a worker's second is saturated when events were missed, arrivals dropped,
// schedule lag or timer lateness p99 exceeded 250 ms, or CPU exceeded 90 % of its limit; 10 consecutive saturated
// seconds saturate the harness. Must not change the run's validity (saturation is a warning).

import type { WorkerSecond } from './second-bucket.js';
import type { SaturatedWorker } from './verdict-types.js';

export const SATURATION = { lagMs: 250, latenessMs: 250, cpuPct: 90, consecutive: 10 } as const;

export type SaturationReason = 'missed_events' | 'dropped_arrivals' | 'schedule_lag' | 'timer_lateness' | 'cpu';

/** The reasons this worker-second is saturated (empty: not saturated). */
export function saturationReasons(w: WorkerSecond): SaturationReason[] {
  const out: SaturationReason[] = [];
  if (w.missed > 0) out.push('missed_events');
  if (w.dropped > 0) out.push('dropped_arrivals');
  if (w.scheduleLagMs > SATURATION.lagMs) out.push('schedule_lag');
  if (!w.timerLateness.isEmpty) {
    const p99 = w.latenessP99Ms !== undefined ? w.latenessP99Ms : w.timerLateness.merged().percentileMs(99);
    if (p99 !== null && p99 > SATURATION.latenessMs) out.push('timer_lateness');
  }
  if (w.cpuPct !== null && w.cpuPct > SATURATION.cpuPct) out.push('cpu');
  return out;
}

/** Tracks one worker's seconds in order; `saturated` once a run of 10 consecutive saturated seconds occurred. */
export class WorkerSaturation {
  readonly seconds: number[] = [];
  readonly reasons = new Map<SaturationReason, number>();
  private run = 0;
  private lastSecond: number | null = null;
  longest = 0;

  constructor(readonly worker: string) {}

  /** Seconds must come in ascending order; a gap (no snapshot) ends a run. */
  add(second: number, reasons: readonly SaturationReason[]): void {
    if (reasons.length === 0) {
      this.run = 0;
    } else {
      this.run = this.lastSecond !== null && second === this.lastSecond + 1 && this.run > 0 ? this.run + 1 : 1;
      this.longest = Math.max(this.longest, this.run);
      this.seconds.push(second);
      for (const r of reasons) this.reasons.set(r, (this.reasons.get(r) ?? 0) + 1);
    }
    this.lastSecond = second;
  }

  get saturated(): boolean {
    return this.longest >= SATURATION.consecutive;
  }

  toJson(): SaturatedWorker {
    return { worker: this.worker, seconds: [...this.seconds], longest_run_s: this.longest,
      reasons: Object.fromEntries([...this.reasons].sort(([a], [b]) => a.localeCompare(b))) };
  }
}
