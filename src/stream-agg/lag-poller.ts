// Reads every stream's consumer lag once per second of the coordinator's clock (SPEC §10.2) and emits LagRecords; also
// tells when the backlog has drained. Must not compute consumed EPS or aggregate readings, nor throw for a failed read.

import type { Timers, TimerHandle } from '../core/timers.js';
import type { LagReading } from '../kafka/offsets.js';
import type { LagSource } from './lag-source.js';
import type { LagRecord } from './records.js';

/** Readings start this long after each whole second, so a timer firing a little early still reads in its second. */
export const LAG_READ_DELAY_MS = 10;
/** SPEC §10.2: drained = lag 0 in this many consecutive readings of every stream. */
export const DRAIN_ZERO_READINGS = 3;
/** Distinct failure messages kept per stream; later new messages are counted under OTHER_FAILURES. */
export const MAX_FAILURE_MESSAGES = 20;
export const OTHER_FAILURES = '(other messages)';

/** A failed lag reading, as reported to `onError`. */
export interface LagReadingFailure {
  stream: string;
  message: string;
  /** How many readings of this stream have failed with this message so far (1 = the first time). */
  occurrences: number;
  error: unknown;
}

export interface LagPollerOptions {
  source: LagSource;
  /** The run's streams; with several, records carry `stream`. */
  streams: readonly string[];
  timers: Timers;
  onRecord: (record: LagRecord) => void;
  onError: (failure: LagReadingFailure) => void;
}

export interface LagPollerStats {
  /** Successful readings, all streams. */
  readings: number;
  /** Failed readings, all streams. */
  failed: number;
  /** Per stream: seconds without a reading because the previous one was still in flight. */
  skipped: Record<string, number>;
  /** Seconds without any reading because the timer fired more than a second late. */
  missedSeconds: number;
  /** Per stream: failures by message, in order of first occurrence. */
  failures: Record<string, { message: string; count: number }[]>;
}

export interface DrainResult {
  /** Every stream read 0 in the last `consecutiveZero` readings before the timeout. */
  drained: boolean;
  /** Successful readings (all streams) that started after waitDrained was called. */
  readings: number;
}

interface DrainWaiter {
  since: number;
  need: number;
  streaks: Map<string, number>;
  readings: number;
  timer: TimerHandle | null;
  resolve: (r: DrainResult) => void;
}

export class LagPoller {
  private readonly multiStream: boolean;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly skipped = new Map<string, number>();
  private readonly failures = new Map<string, Map<string, number>>();
  private readonly waiters = new Set<DrainWaiter>();
  private timer: TimerHandle | null = null;
  private nextSecond = 0;
  private started = false;
  private stopped = false;
  private readings = 0;
  private failed = 0;
  private missedSeconds = 0;

  constructor(private readonly opts: LagPollerOptions) {
    this.multiStream = opts.streams.length > 1;
    for (const s of opts.streams) this.skipped.set(s, 0);
  }

  /** Starts reading at the next whole second (+ LAG_READ_DELAY_MS), then every second. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.nextSecond = Math.floor(this.opts.timers.clock.nowMs() / 1000) + 1;
    this.arm();
  }

  /**
   * Resolves once the last `consecutiveZero` readings (default 3) of every stream that started after this call were
   * 0, or when `timeoutMs` has passed on the injected timers, or when the poller stops — whichever comes first.
   */
  waitDrained(opts: { timeoutMs: number; consecutiveZero?: number }): Promise<DrainResult> {
    return new Promise<DrainResult>((resolve) => {
      const w: DrainWaiter = {
        since: this.opts.timers.clock.nowMs(),
        need: Math.max(1, opts.consecutiveZero ?? DRAIN_ZERO_READINGS),
        streaks: new Map(this.opts.streams.map((s) => [s, 0])),
        readings: 0,
        timer: null,
        resolve,
      };
      if (this.stopped || this.opts.streams.length === 0) {
        resolve({ drained: this.opts.streams.length === 0, readings: 0 });
        return;
      }
      this.waiters.add(w);
      w.timer = this.opts.timers.after(Math.max(0, opts.timeoutMs), () => this.settle(w, false));
    });
  }

  /** Stops reading; resolves when the readings in flight have finished (and emitted their records). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await Promise.all([...this.inFlight.values()]);
    for (const w of [...this.waiters]) this.settle(w, false);
  }

  stats(): LagPollerStats {
    const failures: LagPollerStats['failures'] = {};
    for (const [stream, byMessage] of this.failures) {
      failures[stream] = [...byMessage].map(([message, count]) => ({ message, count }));
    }
    return {
      readings: this.readings,
      failed: this.failed,
      skipped: Object.fromEntries(this.skipped),
      missedSeconds: this.missedSeconds,
      failures,
    };
  }

  private arm(): void {
    if (this.stopped) return;
    const { timers } = this.opts;
    const due = this.nextSecond * 1000 + LAG_READ_DELAY_MS;
    this.timer = timers.after(Math.max(0, due - timers.clock.nowMs()), () => this.tick());
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.opts.timers.clock.nowMs();
    if (now >= this.nextSecond * 1000) {
      const second = Math.floor(now / 1000);
      this.missedSeconds += second - this.nextSecond;
      this.nextSecond = second + 1;
      for (const stream of this.opts.streams) this.readStream(stream, now);
    }
    this.arm();
  }

  private readStream(stream: string, startedAt: number): void {
    if (this.inFlight.has(stream)) {
      this.skipped.set(stream, (this.skipped.get(stream) ?? 0) + 1);
      return;
    }
    let reading: Promise<LagReading>;
    try {
      reading = this.opts.source.read(stream);
    } catch (err) {
      reading = Promise.reject(err);
    }
    const done = reading.then(
      (r) => this.record(stream, startedAt, r),
      (err: unknown) => this.fail(stream, err),
    ).finally(() => this.inFlight.delete(stream));
    this.inFlight.set(stream, done);
  }

  private record(stream: string, startedAt: number, r: LagReading): void {
    this.readings++;
    const rec: LagRecord = {
      kind: 'lag',
      second: Math.floor(startedAt / 1000),
      at: Math.floor(startedAt),
      ...(this.multiStream ? { stream } : {}),
      lag: r.lag,
      endOffsets: r.end,
      committed: r.position,
    };
    this.opts.onRecord(rec);
    for (const w of [...this.waiters]) {
      if (startedAt < w.since) continue;
      w.readings++;
      w.streaks.set(stream, r.lag === 0 ? (w.streaks.get(stream) ?? 0) + 1 : 0);
      if ([...w.streaks.values()].every((n) => n >= w.need)) this.settle(w, true);
    }
  }

  private fail(stream: string, err: unknown): void {
    this.failed++;
    const message = err instanceof Error ? err.message : String(err);
    let byMessage = this.failures.get(stream);
    if (!byMessage) this.failures.set(stream, (byMessage = new Map()));
    const key = byMessage.has(message) || byMessage.size < MAX_FAILURE_MESSAGES ? message : OTHER_FAILURES;
    const occurrences = (byMessage.get(key) ?? 0) + 1;
    byMessage.set(key, occurrences);
    this.opts.onError({ stream, message, occurrences, error: err });
  }

  private settle(w: DrainWaiter, drained: boolean): void {
    if (!this.waiters.delete(w)) return;
    w.timer?.cancel();
    w.resolve({ drained, readings: w.readings });
  }
}
