// Worker side: delivers a worker's per-second snapshots to the metrics topic without losing any while Kafka is
// unreachable (SPEC §10.1, §17 "Kafka fails mid-run"): a failed send is kept and retried, in order, until it goes
// through or the worker gives up at its end. Must not build snapshots nor decide when they are due.

import type { Logger } from '../core/logger.js';
import type { TimerHandle, Timers } from '../core/timers.js';
import type { WorkerSnapshot } from '../metrics/worker-snapshot.js';

/** How long a finishing worker waits for its unsent snapshots before saying DONE (the coordinator waits 30 s). */
export const FINAL_FLUSH_MS = 15_000;

export interface SnapshotOutboxOptions {
  /** Sends snapshots in one request, in the order given; rejects when they were not acknowledged. */
  send(snapshots: readonly WorkerSnapshot[]): Promise<void>;
  timers: Timers;
  logger: Logger;
  /** Pause after a failed send before the next attempt (default 1 000 ms). */
  retryMs?: number;
  /** Most snapshots per request when catching up (default 50). */
  maxBatch?: number;
}

interface Entry {
  snapshot: WorkerSnapshot;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class SnapshotOutbox {
  private readonly queue: Entry[] = [];
  private pumping = false;
  private closed = false;
  /** Failed sends since the last one that went through. */
  private failures = 0;
  private retryTimer: TimerHandle | null = null;
  private wakeRetry: (() => void) | null = null;
  private idle: (() => void)[] = [];

  constructor(private readonly o: SnapshotOutboxOptions) {}

  /**
   * Queues a snapshot; resolves once Kafka acknowledged it, rejects only if the outbox gave it up (flush deadline),
   * so the caller's "not published" count stays true.
   */
  publish(snapshot: WorkerSnapshot): Promise<void> {
    if (this.closed) return Promise.reject(new Error('snapshot outbox closed: the worker has finished'));
    const p = new Promise<void>((resolve, reject) => this.queue.push({ snapshot, resolve, reject }));
    this.pump();
    return p;
  }

  /** Snapshots not yet acknowledged. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Waits until every queued snapshot was delivered or `timeoutMs` passed; then closes the outbox and gives up the
   * rest (their publish() promises reject). Returns how many were given up.
   */
  async flush(timeoutMs: number): Promise<number> {
    if (this.queue.length > 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const t = this.o.timers.after(timeoutMs, done);
        function done(): void {
          t.cancel();
          resolve();
        }
        this.idle.push(done);
        this.wakeRetry?.(); // retry now rather than after the pause
      });
    }
    this.closed = true;
    this.retryTimer?.cancel();
    this.wakeRetry?.();
    const left = this.queue.splice(0);
    for (const e of left) e.reject(new Error('given up: the metrics topic could not be reached before the worker finished'));
    if (left.length > 0) {
      this.o.logger.warn('snapshots given up: the metrics topic was unreachable until the end', {
        snapshots: left.length, seconds: left.map((e) => e.snapshot.second) });
    }
    return left.length;
  }

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    void this.drain().finally(() => {
      this.pumping = false;
      if (this.queue.length > 0 && !this.closed) this.pump();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue.slice(0, this.o.maxBatch ?? 50);
      try {
        await this.o.send(batch.map((e) => e.snapshot));
      } catch (err) {
        this.failures++;
        if (this.failures === 1) {
          this.o.logger.warn('snapshot not sent yet; keeping it and retrying until Kafka takes it', {
            second: batch[0]!.snapshot.second, error: (err as Error).message });
        }
        await this.pause();
        continue;
      }
      this.queue.splice(0, batch.length);
      for (const e of batch) e.resolve();
      if (this.failures > 0) {
        this.o.logger.info('snapshots delivered again after failed sends', { failedSends: this.failures, delivered: batch.length });
        this.failures = 0;
      }
    }
    if (this.queue.length === 0) for (const done of this.idle.splice(0)) done();
  }

  private pause(): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.retryTimer?.cancel();
        this.retryTimer = null;
        this.wakeRetry = null;
        resolve();
      };
      this.wakeRetry = wake;
      this.retryTimer = this.o.timers.after(this.o.retryMs ?? 1000, wake);
    });
  }
}
