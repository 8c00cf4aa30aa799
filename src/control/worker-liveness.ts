// Coordinator side: when each worker was last heard of (control messages and snapshots), which are lost
// after 10 s of silence (SPEC §9), and each worker's clock offset estimate. Must not decide validity.

import type { ExpectedWorker } from './expected-workers.js';

export interface WorkerStatus {
  id: string;
  lastSeenAt: number | null;
  /** min over its control messages of (receive time − sender time), ms; null before the first message. */
  clockOffsetMs: number | null;
  lost: boolean;
  lostAt: number | null;
  failed: string | null;
  done: boolean;
}

export class WorkerLiveness {
  private readonly workers = new Map<string, WorkerStatus>();

  constructor(expected: readonly ExpectedWorker[], private readonly silenceMs = 10_000) {
    for (const w of expected) {
      this.workers.set(w.id, { id: w.id, lastSeenAt: null, clockOffsetMs: null, lost: false, lostAt: null, failed: null, done: false });
    }
  }

  /** A control message from `id` sent at `sentAt` (its clock) and received at `receivedAt` (ours). */
  controlMessage(id: string, sentAt: number, receivedAt: number): void {
    const w = this.workers.get(id);
    if (!w) return;
    this.seen(id, receivedAt);
    const offset = receivedAt - sentAt;
    w.clockOffsetMs = w.clockOffsetMs === null ? offset : Math.min(w.clockOffsetMs, offset);
  }

  /** Any sign of life (a snapshot, a control message). */
  seen(id: string, at: number): void {
    const w = this.workers.get(id);
    if (w && (w.lastSeenAt === null || at > w.lastSeenAt)) w.lastSeenAt = at;
  }

  failed(id: string, error: string): void {
    const w = this.workers.get(id);
    if (w) w.failed = error;
  }

  finished(id: string): void {
    const w = this.workers.get(id);
    if (w) w.done = true;
  }

  /** Marks workers silent for longer than the limit as lost (once); returns the newly lost. */
  checkLost(now: number): string[] {
    const out: string[] = [];
    for (const w of this.workers.values()) {
      if (w.lost || w.done || w.lastSeenAt === null) continue;
      if (now - w.lastSeenAt > this.silenceMs) {
        w.lost = true;
        w.lostAt = now;
        out.push(w.id);
      }
    }
    return out;
  }

  status(): WorkerStatus[] {
    return [...this.workers.values()].map((w) => ({ ...w }));
  }
}
