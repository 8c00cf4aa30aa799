// Rate control of one lane (SPEC §6.2): a token bucket whose tokens are the schedule — the token for event g
// arrives at scheduledTimeOf(g). Decides which batches to send and which tokens are missed; must not produce,
// generate events or read a clock (the caller passes `now`).

import { firstOfLane, laneCount, type StreamSchedule } from './schedule.js';

export interface LaneBatch {
  /** First g of the batch; the batch holds `count` events g = firstG + i × lanes. */
  firstG: number;
  count: number;
}

export interface LaneTick {
  batches: LaneBatch[];
  /** Tokens older than the bucket's depth that could not be sent, oldest first (same shape as a batch). */
  missed: LaneBatch[];
  /** now − scheduled time of the oldest token still waiting after this tick (0 when none waits). */
  scheduleLagMs: number;
}

export interface LaneSchedulerOptions {
  /** Batch size per phase (SPEC §3.2 / §3.4 `batch_size`). */
  batchSizes: readonly number[];
  maxInflightBatches: number;
  /** A waiting token older than this is missed (SPEC §6.2: 1 s). */
  bucketDepthMs?: number;
  /** A partial batch is sent once its oldest token is this old (SPEC §6.2: 50 ms). */
  flushAgeMs?: number;
}

export class LaneScheduler {
  private next: number; // first g of this lane not yet sent or missed
  private inflight = 0;
  private readonly depth: number;
  private readonly flushAge: number;

  constructor(
    private readonly schedule: StreamSchedule,
    readonly lane: number,
    readonly lanes: number,
    private readonly opts: LaneSchedulerOptions,
  ) {
    this.next = firstOfLane(lane, lanes, 0);
    this.depth = opts.bucketDepthMs ?? 1000;
    this.flushAge = opts.flushAgeMs ?? 50;
  }

  /** Batches sent and not yet completed. */
  get inflightBatches(): number {
    return this.inflight;
  }

  /** True when every event of the lane was sent or missed. */
  get exhausted(): boolean {
    return this.next >= this.schedule.totalEvents;
  }

  /** The first g not yet handed out (sent or missed). */
  get nextG(): number {
    return this.next;
  }

  /** Lane events whose scheduled time is ≤ `nowMs` and that are not yet sent or missed. */
  waiting(nowMs: number): number {
    const end = this.schedule.firstAtOrAfter(Math.floor(nowMs) + 1);
    return laneCount(this.lane, this.lanes, this.next, end);
  }

  /** Advances the lane to `nowMs`: misses tokens older than the bucket depth, then sends what is due. */
  tick(nowMs: number): LaneTick {
    const out: LaneTick = { batches: [], missed: [], scheduleLagMs: 0 };
    const total = this.schedule.totalEvents;
    if (this.next >= total) return out;

    // Tokens with scheduled time < now − depth can no longer be sent on time: missed, never burst late.
    const missBound = this.schedule.firstAtOrAfter(Math.ceil(nowMs - this.depth));
    if (this.next < missBound) {
      const count = laneCount(this.lane, this.lanes, this.next, missBound);
      if (count > 0) out.missed.push({ firstG: this.next, count });
      this.next = firstOfLane(this.lane, this.lanes, missBound);
    }

    const end = this.schedule.firstAtOrAfter(Math.floor(nowMs) + 1);
    while (this.inflight < this.opts.maxInflightBatches && this.next < end) {
      const waiting = laneCount(this.lane, this.lanes, this.next, end);
      if (waiting === 0) break;
      const size = this.opts.batchSizes[this.schedule.phaseOf(this.next)] ?? 1;
      const age = nowMs - this.schedule.scheduledTimeOf(this.next);
      if (waiting < size && age < this.flushAge) break;
      const count = Math.min(waiting, size);
      out.batches.push({ firstG: this.next, count });
      this.next += count * this.lanes;
      this.inflight++;
    }
    if (this.next < end) out.scheduleLagMs = nowMs - this.schedule.scheduledTimeOf(this.next);
    return out;
  }

  /** Gives up (abort, end of the grace time): the tokens due by `nowMs` never sent, as missed; later ones are not due. */
  abandon(nowMs: number): LaneBatch | null {
    const end = this.schedule.firstAtOrAfter(Math.floor(nowMs) + 1);
    const count = this.next < end ? laneCount(this.lane, this.lanes, this.next, end) : 0;
    const out = count > 0 ? { firstG: this.next, count } : null;
    this.next = this.schedule.totalEvents;
    return out;
  }

  /** A batch finished (acked or failed). */
  complete(): void {
    if (this.inflight === 0) throw new Error('lane scheduler: complete() without a batch in flight');
    this.inflight--;
  }
}
