// The operator's per-run work queue: one reconcile at a time per run, triggers that arrive meanwhile coalesced into
// one more pass, and requeue timers (the earliest wins) on injected Timers. Must not know what a reconcile does.

import type { TimerHandle, Timers } from '../../core/timers.js';

interface Entry {
  running: boolean;
  again: boolean;
  timer: TimerHandle | null;
  timerDue: number;
}

export class RunQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;

  /** `work(key)` returns the ms after which to run again, or null. It must not throw (errors are its own to log). */
  constructor(private readonly timers: Timers, private readonly work: (key: string) => Promise<number | null>) {}

  /** Runs `key` now, or once more after the pass in progress. */
  trigger(key: string): void {
    if (this.stopped) return;
    const e = this.entry(key);
    if (e.running) {
      e.again = true;
      return;
    }
    void this.run(key, e);
  }

  /** Runs `key` after `ms` unless an earlier run is already scheduled. */
  after(key: string, ms: number): void {
    if (this.stopped) return;
    const e = this.entry(key);
    const due = this.timers.clock.nowMs() + ms;
    if (e.timer !== null && e.timerDue <= due) return;
    e.timer?.cancel();
    e.timerDue = due;
    e.timer = this.timers.after(ms, () => {
      e.timer = null;
      this.trigger(key);
    });
  }

  /** Forgets `key` (cancels its timer); a pass in progress finishes. */
  forget(key: string): void {
    const e = this.entries.get(key);
    e?.timer?.cancel();
    if (e && !e.running) this.entries.delete(key);
  }

  /** Resolves when no pass is running. */
  idle(): Promise<void> {
    if (![...this.entries.values()].some((e) => e.running)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const e of this.entries.values()) e.timer?.cancel();
  }

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) {
      e = { running: false, again: false, timer: null, timerDue: 0 };
      this.entries.set(key, e);
    }
    return e;
  }

  private async run(key: string, e: Entry): Promise<void> {
    e.running = true;
    try {
      do {
        e.again = false;
        const requeue = await this.work(key);
        if (requeue !== null && !this.stopped) this.after(key, requeue);
      } while (e.again && !this.stopped);
    } finally {
      e.running = false;
      if (![...this.entries.values()].some((x) => x.running)) for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
