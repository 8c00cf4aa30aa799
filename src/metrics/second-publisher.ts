// Calls `publish(s)` for every wall second s, 100 ms after it ends (SPEC §10.1: within 200 ms), in order and
// without gaps, until stopped; the final flush publishes the seconds that have passed since. Must not build
// snapshots itself.

import type { TimerHandle, Timers } from '../core/timers.js';

export const PUBLISH_DELAY_MS = 100;

export class SecondPublisher {
  private next: number;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly timers: Timers, firstSecond: number, private readonly publish: (second: number) => void) {
    this.next = firstSecond;
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    const due = (this.next + 1) * 1000 + PUBLISH_DELAY_MS;
    this.timer = this.timers.after(Math.max(0, due - this.timers.clock.nowMs()), () => {
      this.catchUp(Math.floor((this.timers.clock.nowMs() - PUBLISH_DELAY_MS) / 1000) - 1);
      this.arm();
    });
  }

  private catchUp(lastSecond: number): void {
    while (this.next <= lastSecond) this.publish(this.next++);
  }

  /** Stops the timer and publishes every second up to and including `lastSecond` not yet published. */
  finish(lastSecond: number): void {
    this.stopped = true;
    this.timer?.cancel();
    this.catchUp(lastSecond);
  }

  /** The next second to be published. */
  get nextSecond(): number {
    return this.next;
  }
}
