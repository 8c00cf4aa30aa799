// Injected time: every schedule, watermark and timeout reads time through a Clock so it can be tested
// without sleeping. Must not keep state beyond what a test clock needs to advance.

export interface Clock {
  /** Unix time in milliseconds (may be fractional for monotonic-derived clocks). */
  nowMs(): number;
}

/** Wall clock, high resolution: performance.timeOrigin + performance.now(). */
export const systemClock: Clock = {
  nowMs: () => performance.timeOrigin + performance.now(),
};

/** A clock that only moves when told to (tests). */
export class ManualClock implements Clock {
  private t: number;
  constructor(startMs = 0) {
    this.t = startMs;
  }
  nowMs(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}
