// Per-due-second accounting of one ingest worker (SPEC §6.3, §10.1): every event is counted in the second it
// was due, batches that complete after their second was published travel in `late`, nothing is dropped.
// Must not produce, schedule or read clocks: the worker feeds it events and times.

import type { WorkerTotals } from '../control/protocol.js';
import { clearIngestTotals, emptyIngestTotals, ingestTotalsToBlock, type IngestTotals } from '../metrics/ingest-totals.js';
import type { IngestBlock, LateBlock, ProcBlock, SentinelAck, WorkerSnapshot } from '../metrics/worker-snapshot.js';
import type { LaneBatch } from './lane-scheduler.js';
import { laneCount, type StreamSchedule } from './schedule.js';
import { DueSecondLedger } from '../metrics/due-second-ledger.js';

export interface AccountedLane {
  stream: number; // index into the streams given to the accounting
  lane: number;
  lanes: number;
}

export interface AccountedStream {
  name: string;
  schedule: StreamSchedule;
}

export interface SnapshotIdentity {
  run: string;
  runId: string;
  worker: string;
}

export class IngestAccounting {
  private readonly ledger = new DueSecondLedger<IngestTotals>(emptyIngestTotals, clearIngestTotals);
  private readonly sums = { due: 0, produced: 0, acked: 0, failed: 0, missed: 0 };
  private phaseSwitches: number[] = [];

  constructor(
    private readonly streams: readonly AccountedStream[],
    private readonly lanes: readonly AccountedLane[],
    /** Phase table of the plan: names, offsets and durations, and this worker's target EPS per phase. */
    private readonly phases: readonly { name: string; offsetS: number; durationS: number; targetEps: number }[],
    private readonly t0Ms: number,
  ) {}

  private stream(totals: IngestTotals, name: string) {
    let c = totals.byStream.get(name);
    if (!c) {
      c = { due: 0, acked: 0, failed: 0, missed: 0 };
      totals.byStream.set(name, c);
    }
    return c;
  }

  /** Calls fn(dueSecond, n) for runs of consecutive events of the batch due in the same second. */
  private bySecond(stream: number, lanes: number, batch: LaneBatch, fn: (second: number, n: number, g: number) => void): void {
    const sch = this.streams[stream]!.schedule;
    let runSecond = -1;
    let runN = 0;
    let runG = batch.firstG;
    for (let i = 0; i < batch.count; i++) {
      const g = batch.firstG + i * lanes;
      const sec = Math.floor(sch.scheduledTimeOf(g) / 1000);
      if (sec !== runSecond) {
        if (runN > 0) fn(runSecond, runN, runG);
        runSecond = sec;
        runN = 0;
        runG = g;
      }
      runN++;
    }
    if (runN > 0) fn(runSecond, runN, runG);
  }

  produced(stream: number, lanes: number, batch: LaneBatch): void {
    this.bySecond(stream, lanes, batch, (sec, n) => {
      this.ledger.touch(sec).produced += n;
    });
    this.sums.produced += batch.count;
  }

  /** The batch was acknowledged: produce delay per event from its scheduled time, ack latency per batch. */
  acked(stream: number, lanes: number, batch: LaneBatch, sentAtMs: number, ackedAtMs: number): void {
    const sch = this.streams[stream]!.schedule;
    const name = this.streams[stream]!.name;
    let first = true;
    this.bySecond(stream, lanes, batch, (sec, n, g0) => {
      const t = this.ledger.touch(sec);
      t.acked += n;
      this.stream(t, name).acked += n;
      for (let i = 0, g = g0; i < n; i++, g += lanes) t.produceDelay.recordMs(ackedAtMs - sch.scheduledTimeOf(g));
      if (first) {
        t.ackLatency.recordMs(ackedAtMs - sentAtMs);
        first = false;
      }
    });
    this.sums.acked += batch.count;
  }

  failed(stream: number, lanes: number, batch: LaneBatch, errorClass: string): void {
    const name = this.streams[stream]!.name;
    this.bySecond(stream, lanes, batch, (sec, n) => {
      const t = this.ledger.touch(sec);
      t.failed += n;
      this.stream(t, name).failed += n;
      t.errorClasses.set(errorClass, (t.errorClasses.get(errorClass) ?? 0) + n);
    });
    this.sums.failed += batch.count;
  }

  missed(stream: number, lanes: number, batch: LaneBatch): void {
    const name = this.streams[stream]!.name;
    this.bySecond(stream, lanes, batch, (sec, n) => {
      const t = this.ledger.touch(sec);
      t.missed += n;
      this.stream(t, name).missed += n;
    });
    this.sums.missed += batch.count;
  }

  sentinel(stream: number, ack: Omit<SentinelAck, 'stream'>): void {
    const sec = Math.floor(ack.scheduledAt / 1000);
    this.ledger.touch(sec).sentinels.push(this.streams.length > 1 ? { stream: this.streams[stream]!.name, ...ack } : { ...ack });
  }

  /** Schedule lag observed at `nowMs` (kept as the maximum of the wall second it was seen in). */
  scheduleLag(nowMs: number, lagMs: number): void {
    const t = this.ledger.touch(Math.floor(nowMs / 1000));
    if (lagMs > t.scheduleLagMs) t.scheduleLagMs = lagMs;
  }

  /** kafkajs produce retries seen at `nowMs` (counted in that wall second). */
  retried(nowMs: number, n: number): void {
    if (n > 0) this.ledger.touch(Math.floor(nowMs / 1000)).retries += n;
  }

  phaseSwitched(atMs: number): void {
    this.phaseSwitches.push(atMs);
  }

  /** Events of this worker's lanes due in wall second `second`, per stream. */
  private dueIn(second: number): Map<number, number> {
    const out = new Map<number, number>();
    for (const l of this.lanes) {
      const sch = this.streams[l.stream]!.schedule;
      const a = sch.firstAtOrAfter(second * 1000);
      const b = sch.firstAtOrAfter((second + 1) * 1000);
      out.set(l.stream, (out.get(l.stream) ?? 0) + laneCount(l.lane, l.lanes, a, b));
    }
    return out;
  }

  phaseAt(second: number): { index: number; name: string } {
    const rel = second * 1000 - this.t0Ms;
    let index = 0;
    for (let i = 0; i < this.phases.length; i++) if (rel >= this.phases[i]!.offsetS * 1000) index = i;
    return { index, name: this.phases[index]!.name };
  }

  /**
   * The snapshot of wall second `second`: its own block (with `due` from the plan), plus every earlier
   * second that changed since it was published, under `late`.
   */
  snapshot(second: number, id: SnapshotIdentity, proc: ProcBlock): WorkerSnapshot {
    const phase = this.phaseAt(second);
    const inTimeline = second * 1000 >= this.t0Ms;
    if (!this.ledger.published(second) && inTimeline) {
      const t = this.ledger.touch(second);
      for (const [s, n] of this.dueIn(second)) {
        t.due += n;
        this.stream(t, this.streams[s]!.name).due += n;
        this.sums.due += n;
      }
    }
    const target = inTimeline ? this.phases[phase.index]!.targetEps : 0;
    const { main: ingest, late: lateBlocks } = this.ledger.publish(second, (t, main) => {
      const block: IngestBlock = ingestTotalsToBlock(t);
      block.targetEps = main ? target : 0;
      return block;
    });
    const late: Record<string, LateBlock> = {};
    for (const [s, block] of Object.entries(lateBlocks)) late[s] = { ingest: block };
    const snap: WorkerSnapshot = { v: 1, run: id.run, runId: id.runId, worker: id.worker, role: 'ingest', second,
      phase: phase.name, ingest, proc };
    if (Object.keys(late).length > 0) snap.late = late;
    const switched = this.phaseSwitches.filter((at) => Math.floor(at / 1000) === second);
    if (switched.length > 0) snap.phaseSwitchAt = switched[switched.length - 1];
    this.phaseSwitches = this.phaseSwitches.filter((at) => Math.floor(at / 1000) > second);
    return snap;
  }

  /** Seconds with data not yet published (the final flush must publish them). */
  get unpublished(): number {
    return this.ledger.unpublished;
  }

  /** Forgets published seconds older than `before` that hold no delta (memory stays flat). */
  prune(beforeSecond: number): void {
    this.ledger.prune(beforeSecond);
  }

  totals(): WorkerTotals {
    return { ingest: { ...this.sums } };
  }
}
