// Freshness probing (SPEC §8.6): asks the target every 250 ms, in ONE probe for all pending sentinels, which are searchable;
// emits a FreshnessRecord per sentinel (found, or censored at 60 s). Must not compute percentiles, shift clocks, or throw.

import type { RunContext, TargetAdapter } from '../adapters/types.js';
import type { Timers, TimerHandle } from '../core/timers.js';
import { sentinelId } from '../generators/sentinels.js';
import type { SentinelAck } from '../metrics/worker-snapshot.js';
import type { FreshnessRecord } from './records.js';

export const PROBE_INTERVAL_MS = 250;
/** A sentinel no probe sent within this long after its ack reached the coordinator found is censored. */
export const CENSOR_AFTER_MS = 60_000;
/** Distinct probe-failure messages kept; later new messages are counted under OTHER_PROBE_FAILURES. */
export const MAX_PROBE_FAILURE_MESSAGES = 20;
export const OTHER_PROBE_FAILURES = '(other messages)';

/** A sentinel ack as the coordinator hands it over: from which worker, of which stream. */
export type ReportedSentinel = SentinelAck & { worker: string; stream: string };

export interface ProbeFailure {
  message: string;
  /** How many probes have failed with this message so far (1 = the first time). */
  occurrences: number;
  /** Number of ids the failed probe asked for. */
  ids: number;
  error: unknown;
}

export interface FreshnessProberOptions {
  adapter: Pick<TargetAdapter, 'probe'>;
  /** The run: `runId` names the sentinels; with several `streams`, records carry `stream`. */
  ctx: RunContext;
  timers: Timers;
  onRecord: (record: FreshnessRecord) => void;
  onError: (failure: ProbeFailure) => void;
}

export interface FreshnessProberStats {
  /** Distinct sentinels added (stream, n). */
  added: number;
  /** Adds of a sentinel already added (replayed snapshots); ignored. */
  duplicates: number;
  found: number;
  censored: number;
  /** Sentinels added after stop(): emitted as censored at once. */
  addedAfterStop: number;
  pending: number;
  probes: number;
  failedProbes: number;
  /** Ticks without a probe because the previous one was still in flight. */
  skippedTicks: number;
  failures: { message: string; count: number }[];
}

interface PendingSentinel {
  ack: ReportedSentinel;
  id: string;
  /** Coordinator clock: the last moment a probe may be sent for it (time it was added + CENSOR_AFTER_MS). */
  deadline: number;
}

interface Flight {
  keys: ReadonlySet<string>;
  sentAt: number;
}

interface Finishing {
  done: Promise<void>;
  resolve: () => void;
  timer: TimerHandle | null;
}

export class FreshnessProber {
  private readonly multiStream: boolean;
  private readonly pending = new Map<string, PendingSentinel>();
  private readonly seen = new Set<string>();
  private readonly failureCounts = new Map<string, number>();
  private flight: Flight | null = null;
  private timer: TimerHandle | null = null;
  private finishing: Finishing | null = null;
  private stopped = false;
  private readonly counts = { added: 0, duplicates: 0, found: 0, censored: 0, addedAfterStop: 0, probes: 0, failedProbes: 0, skippedTicks: 0 };

  constructor(private readonly opts: FreshnessProberOptions) {
    this.multiStream = opts.ctx.streams.length > 1;
  }

  /** Starts probing every PROBE_INTERVAL_MS (a tick with nothing pending sends nothing). */
  start(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = this.opts.timers.every(PROBE_INTERVAL_MS, () => this.tick());
  }

  /**
   * Adds a sentinel a worker reported as acked; it is censored if no probe sent within CENSOR_AFTER_MS of now (the
   * coordinator's clock, so a worker's clock offset cannot censor early) finds it. A sentinel already added is
   * ignored (counted); one added after stop() is emitted as censored at once (counted).
   */
  add(ack: ReportedSentinel): void {
    const key = `${ack.stream}\n${ack.n}`;
    if (this.seen.has(key)) {
      this.counts.duplicates++;
      return;
    }
    this.seen.add(key);
    this.counts.added++;
    const entry: PendingSentinel = { ack, id: sentinelId(this.opts.ctx.runId, ack.n, this.multiStream ? ack.stream : null),
      deadline: this.opts.timers.clock.nowMs() + CENSOR_AFTER_MS };
    if (this.stopped) {
      this.counts.addedAfterStop++;
      this.emit(entry, null);
      return;
    }
    this.pending.set(key, entry);
  }

  /**
   * Keeps probing until no sentinel is pending (each is found or censored), then stops. With `timeoutMs`, stops
   * when that has passed (on the injected timers) as stop() does.
   */
  finish(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.finishing !== null) return this.finishing.done;
    this.start();
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const finishing: Finishing = { done, resolve, timer: null };
    this.finishing = finishing;
    if (opts.timeoutMs !== undefined) finishing.timer = this.opts.timers.after(Math.max(0, opts.timeoutMs), () => this.stop());
    this.finishIfDone();
    return done;
  }

  /** Stops at once: a probe in flight is disregarded and every pending sentinel is emitted as censored. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    this.flight = null;
    for (const [key, entry] of this.pending) {
      this.pending.delete(key);
      this.emit(entry, null);
    }
    this.settleFinish();
  }

  stats(): FreshnessProberStats {
    return {
      ...this.counts,
      pending: this.pending.size,
      failures: [...this.failureCounts].map(([message, count]) => ({ message, count })),
    };
  }

  private tick(): void {
    if (this.stopped) return;
    this.censorExpired();
    if (this.flight !== null) {
      this.counts.skippedTicks++;
      return;
    }
    if (this.pending.size === 0) {
      this.finishIfDone();
      return;
    }
    this.probe();
  }

  /** One request for every pending id; the clock is read just before sending (foundAt of what it finds). */
  private probe(): void {
    const keys = new Set(this.pending.keys());
    const ids = [...new Set([...this.pending.values()].map((e) => e.id))];
    this.counts.probes++;
    const flight: Flight = { keys, sentAt: this.opts.timers.clock.nowMs() };
    this.flight = flight;
    let call: Promise<Set<string>>;
    try {
      call = this.opts.adapter.probe(ids, this.opts.ctx);
    } catch (err) {
      call = Promise.reject(err);
    }
    call.then(
      (found) => this.landed(flight, found),
      (err: unknown) => this.failed(flight, ids.length, err),
    );
  }

  private landed(flight: Flight, found: Set<string>): void {
    if (this.flight !== flight) return; // stopped meanwhile: its sentinels were emitted as censored
    this.flight = null;
    for (const key of flight.keys) {
      const entry = this.pending.get(key);
      if (entry === undefined || !found.has(entry.id)) continue;
      this.pending.delete(key);
      this.emit(entry, Math.floor(flight.sentAt));
    }
    this.censorExpired();
    this.finishIfDone();
  }

  private failed(flight: Flight, ids: number, err: unknown): void {
    if (this.flight !== flight) return;
    this.flight = null;
    this.counts.failedProbes++;
    const message = err instanceof Error ? err.message : String(err);
    const key = this.failureCounts.has(message) || this.failureCounts.size < MAX_PROBE_FAILURE_MESSAGES ? message : OTHER_PROBE_FAILURES;
    const occurrences = (this.failureCounts.get(key) ?? 0) + 1;
    this.failureCounts.set(key, occurrences);
    this.opts.onError({ message, occurrences, ids, error: err });
    this.censorExpired();
    this.finishIfDone();
  }

  /** Censors the sentinels past their deadline that the probe in flight (if any) did not ask for. */
  private censorExpired(): void {
    const now = this.opts.timers.clock.nowMs();
    for (const [key, entry] of this.pending) {
      if (now > entry.deadline && !this.flight?.keys.has(key)) {
        this.pending.delete(key);
        this.emit(entry, null);
      }
    }
  }

  private finishIfDone(): void {
    if (this.finishing !== null && this.pending.size === 0 && this.flight === null) {
      this.stopped = true;
      this.timer?.cancel();
      this.timer = null;
      this.settleFinish();
    }
  }

  private settleFinish(): void {
    const f = this.finishing;
    if (f === null) return;
    this.finishing = null;
    f.timer?.cancel();
    f.resolve();
  }

  private emit(entry: PendingSentinel, foundAt: number | null): void {
    if (foundAt === null) this.counts.censored++;
    else this.counts.found++;
    const { ack } = entry;
    this.opts.onRecord({
      kind: 'freshness',
      ...(this.multiStream ? { stream: ack.stream } : {}),
      n: ack.n,
      scheduledAt: ack.scheduledAt,
      ackedAt: ack.ackedAt,
      foundAt,
      worker: ack.worker,
    });
  }
}
