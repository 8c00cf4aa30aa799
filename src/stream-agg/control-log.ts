// What the control records of a run say (SPEC §9, §13.1): t0, who said hello (host, threads), clock offsets
// (min of receivedAt − at per sender), done/fail per worker, aborts, and workers declared lost. Must not judge validity.

import type { ControlRecord, LostRecord } from './records.js';
import type { WorkerTotals } from '../control/protocol.js';

export interface WorkerControlState {
  hello: { host: string; threads: number; at: number } | null;
  /** min(receivedAt − at) over its control messages, ms. */
  clockOffsetMs: number | null;
  doneAt: number | null;
  totals: WorkerTotals | null;
  failed: string | null;
  lostAt: number | null;
  lastHeardAt: number | null;
}

export class ControlLog {
  t0Ms: number | null = null;
  /** The first abort's reason and sender. */
  abort: { reason: string; from: string; at: number; fatal: boolean } | null = null;
  /** Receive time of the last control message (coordinator clock). */
  lastReceivedAt: number | null = null;
  readonly workers = new Map<string, WorkerControlState>();

  add(rec: ControlRecord): void {
    if (this.lastReceivedAt === null || rec.receivedAt > this.lastReceivedAt) this.lastReceivedAt = rec.receivedAt;
    switch (rec.type) {
      case 'start':
        if (this.t0Ms === null) this.t0Ms = rec.t0;
        return;
      case 'abort':
        if (this.abort === null) this.abort = { reason: rec.reason, from: rec.from, at: rec.receivedAt, fatal: rec.fatal === true };
        return;
      case 'plan':
      case 'prepared':
        return;
      default:
        break;
    }
    const w = this.worker(rec.from);
    w.lastHeardAt = Math.max(w.lastHeardAt ?? rec.receivedAt, rec.receivedAt);
    const offset = rec.receivedAt - rec.at;
    w.clockOffsetMs = w.clockOffsetMs === null ? offset : Math.min(w.clockOffsetMs, offset);
    if (rec.type === 'hello' && w.hello === null) w.hello = { host: rec.host, threads: rec.threads, at: rec.receivedAt };
    if (rec.type === 'done' && w.doneAt === null) {
      w.doneAt = rec.receivedAt;
      w.totals = rec.totals;
    }
    if (rec.type === 'fail' && w.failed === null) w.failed = rec.error;
  }

  lost(rec: LostRecord): void {
    const w = this.worker(rec.worker);
    if (w.lostAt === null) w.lostAt = rec.at;
  }

  worker(id: string): WorkerControlState {
    let w = this.workers.get(id);
    if (!w) {
      w = { hello: null, clockOffsetMs: null, doneAt: null, totals: null, failed: null, lostAt: null, lastHeardAt: null };
      this.workers.set(id, w);
    }
    return w;
  }

  /** The worker's clock offset (0 when unknown: its times are taken as they are). */
  offsetOf(id: string): number {
    return this.workers.get(id)?.clockOffsetMs ?? 0;
  }

  /** Receive time of the last `done` (coordinator clock), or null. */
  get lastDoneAt(): number | null {
    let last: number | null = null;
    for (const w of this.workers.values()) if (w.doneAt !== null && (last === null || w.doneAt > last)) last = w.doneAt;
    return last;
  }
}
