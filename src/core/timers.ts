// Injected timers beside the injected Clock: real ones in production, a manual scheduler in tests so
// timeouts and periodic work are tested without sleeping. Must not be used for measuring time.

import { ManualClock, systemClock, type Clock } from './clock.js';

export interface TimerHandle {
  cancel(): void;
}

export interface Timers {
  clock: Clock;
  after(ms: number, fn: () => void): TimerHandle;
  every(ms: number, fn: () => void): TimerHandle;
}

export const systemTimers: Timers = {
  clock: systemClock,
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

interface Pending {
  due: number;
  period: number | null;
  fn: () => void;
  live: boolean;
  seq: number;
}

/** Timers driven by `advance(ms)`: due callbacks fire in time order, the clock reading their due time. */
export class ManualTimers implements Timers {
  readonly clock: ManualClock;
  private pending: Pending[] = [];
  private seq = 0;

  constructor(startMs = 0) {
    this.clock = new ManualClock(startMs);
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.add(ms, null, fn);
  }

  every(ms: number, fn: () => void): TimerHandle {
    return this.add(ms, ms, fn);
  }

  /** Moves time forward by `ms`, firing every callback that falls due on the way. */
  advance(ms: number): void {
    const end = this.clock.nowMs() + ms;
    for (;;) {
      const next = this.pending.filter((p) => p.live && p.due <= end).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.clock.set(next.due);
      if (next.period === null) next.live = false;
      else next.due += next.period;
      next.fn();
    }
    this.pending = this.pending.filter((p) => p.live);
    this.clock.set(end);
  }

  private add(ms: number, period: number | null, fn: () => void): TimerHandle {
    const p: Pending = { due: this.clock.nowMs() + ms, period, fn, live: true, seq: this.seq++ };
    this.pending.push(p);
    return { cancel: () => { p.live = false; } };
  }
}
