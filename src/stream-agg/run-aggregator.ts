// The coordinator's merge of a run's raw records (SPEC §10.2): per-due-second buckets, the watermark that closes
// seconds 3 s behind the slowest live worker, late data merged into closed seconds and counted, and the coordinator's
// own records kept for the analysis. Driven by records only (no clock), so a replay of snapshots.jsonl in the same
// order reaches the same state. Must not compute derived metrics or judge validity.

import type { RunPlan } from '../scenario/plan-types.js';
import type { WorkerSnapshot } from '../metrics/worker-snapshot.js';
import { expectedWorkers, type ExpectedWorker } from '../control/expected-workers.js';
import { ControlLog } from './control-log.js';
import { SecondBucket } from './second-bucket.js';
import type { FreshnessRecord, LagRecord, RawRecord } from './records.js';

/** A second closes when the watermark is at least this many seconds past it (SPEC §10.2). */
export const CLOSE_AFTER_S = 3;

export interface AggregatorCounters {
  /** Whole snapshots whose second was already closed when they arrived (merged anyway). */
  lateSnapshots: number;
  /** `late` entries merged into earlier seconds. */
  lateEntries: number;
  /** Records that could not be read (the reader reports them with `malformed`). */
  malformedRecords: number;
  /** First reason a record could not be read. */
  firstMalformed: string | null;
  /** Snapshots of another run id or of a worker the plan does not have (not merged). */
  foreignSnapshots: number;
  /** Due seconds outside the timeline that carried operations (merged, but in no phase). */
  outsideTimeline: number;
  /** Duplicate snapshots (same worker and second seen again; not merged twice). */
  duplicateSnapshots: number;
}

export class RunAggregator {
  readonly control = new ControlLog();
  readonly lag: LagRecord[] = [];
  readonly freshness: FreshnessRecord[] = [];
  readonly counters: AggregatorCounters = {
    lateSnapshots: 0, lateEntries: 0, malformedRecords: 0, firstMalformed: null, foreignSnapshots: 0,
    outsideTimeline: 0, duplicateSnapshots: 0,
  };
  readonly expected: ExpectedWorker[];
  private readonly expectedById: Map<string, ExpectedWorker>;
  private readonly buckets = new Map<number, SecondBucket>();
  private readonly highest = new Map<string, number>();
  /** Per-group latency lists are kept only when the run has several query groups. */
  private readonly groupLatency: boolean;
  /** Every second ≤ this is closed; null before the first close. */
  private closedThrough: number | null = null;
  private explicitT0: number | null = null;
  /** Seconds outside the timeline already counted in `outsideTimeline`. */
  private readonly outside = new Set<number>();

  constructor(readonly plan: RunPlan) {
    this.expected = expectedWorkers(plan);
    this.expectedById = new Map(this.expected.map((w) => [w.id, w]));
    this.groupLatency = plan.workers.query.length > 1;
  }

  /** t0 in unix ms: the `start` control record's, or one set by the caller (a run whose control records are missing). */
  get t0Ms(): number | null {
    return this.control.t0Ms ?? this.explicitT0;
  }

  setT0(t0Ms: number): void {
    this.explicitT0 = t0Ms;
  }

  /** First second of the timeline (unix s), or null before START. */
  get firstSecond(): number | null {
    const t0 = this.t0Ms;
    return t0 === null ? null : Math.floor(t0 / 1000);
  }

  /** One past the last second of the timeline. */
  get endSecond(): number | null {
    const f = this.firstSecond;
    return f === null ? null : f + this.plan.totals.durationS;
  }

  get lastClosed(): number | null {
    return this.closedThrough;
  }

  isClosed(second: number): boolean {
    return this.closedThrough !== null && second <= this.closedThrough;
  }

  bucket(second: number): SecondBucket | undefined {
    return this.buckets.get(second);
  }

  /** Seconds that hold data, ascending. */
  seconds(): number[] {
    return [...this.buckets.keys()].sort((a, b) => a - b);
  }

  /** A record that could not be read: counted (SPEC §17: nothing dropped silently). */
  malformed(reason: string): void {
    this.counters.malformedRecords++;
    this.counters.firstMalformed ??= reason;
  }

  /** Merges one record; returns the seconds it closed, ascending. */
  add(rec: RawRecord): number[] {
    switch (rec.kind) {
      case 'worker': return this.addSnapshot(rec);
      case 'lag': this.lag.push(rec); return [];
      case 'freshness': this.freshness.push(rec); return [];
      case 'lost': this.control.lost(rec); return this.advance();
      case 'control': this.control.add(rec); return this.advance();
    }
  }

  /** Closes every remaining second up to the end of the timeline (and any later second with data). */
  finish(): number[] {
    const end = this.endSecond;
    const last = Math.max(end === null ? -Infinity : end - 1, ...this.buckets.keys());
    return Number.isFinite(last) ? this.closeThrough(last) : [];
  }

  private addSnapshot(s: WorkerSnapshot): number[] {
    const group = s.group ?? 'default';
    const expected = this.expectedById.get(s.worker);
    if (s.runId !== this.plan.run.id || !expected || expected.role !== s.role) {
      this.counters.foreignSnapshots++;
      return [];
    }
    if (this.buckets.get(s.second)?.workers.get(s.worker)?.hasMain) {
      this.counters.duplicateSnapshots++;
      return [];
    }
    if (this.isClosed(s.second)) this.counters.lateSnapshots++;
    const b = this.touch(s.second, carries(s.ingest) || carries(s.query));
    const w = b.worker(s.worker, s.role, group);
    w.hasMain = true;
    w.phase = s.phase;
    w.cpuPct = s.proc.cpuPct;
    w.cpuLimitCores = s.proc.cpuLimitCores;
    w.rssMb = s.proc.rssMb;
    if (s.phaseSwitchAt !== undefined) w.phaseSwitchAt = s.phaseSwitchAt;
    if (s.ingest) b.addIngest(s.ingest, w, s.worker);
    if (s.query) b.addQuery(s.query, w, group);
    for (const [k, late] of Object.entries(s.late ?? {})) {
      const lb = this.touch(Number(k), true);
      const lw = lb.worker(s.worker, s.role, group);
      if (late.ingest) lb.addIngest(late.ingest, lw, s.worker);
      if (late.query) lb.addQuery(late.query, lw, group);
      this.counters.lateEntries++;
    }
    const prev = this.highest.get(s.worker);
    if (prev === undefined || s.second > prev) this.highest.set(s.worker, s.second);
    return this.advance();
  }

  /** The bucket of `second`; `data`: the caller merges operations into it (an empty main block does not count). */
  private touch(second: number, data: boolean): SecondBucket {
    let b = this.buckets.get(second);
    if (!b) {
      b = new SecondBucket(second, this.groupLatency);
      this.buckets.set(second, b);
    }
    if (data && !this.outside.has(second)) {
      const f = this.firstSecond;
      const e = this.endSecond;
      if (f !== null && e !== null && (second < f || second >= e)) {
        this.outside.add(second);
        this.counters.outsideTimeline++;
      }
    }
    return b;
  }

  /**
   * Watermark = min over workers not lost, failed or done of the highest second received; a worker that sent no
   * snapshot yet holds it back. When no worker is active any more, the highest second of all.
   */
  watermark(): number | null {
    let min: number | null = null;
    let active = 0;
    for (const w of this.expected) {
      const c = this.control.workers.get(w.id);
      if (c && (c.lostAt !== null || c.failed !== null || c.doneAt !== null)) continue;
      active++;
      const h = this.highest.get(w.id);
      if (h === undefined) return null;
      min = min === null ? h : Math.min(min, h);
    }
    if (active === 0) {
      const all = [...this.highest.values()];
      return all.length === 0 ? null : Math.max(...all);
    }
    return min;
  }

  private advance(): number[] {
    const wm = this.watermark();
    if (wm === null) return [];
    return this.closeThrough(wm - CLOSE_AFTER_S);
  }

  private closeThrough(target: number): number[] {
    const first = this.firstSecond;
    if (first === null) return [];
    const from = this.closedThrough === null ? first : this.closedThrough + 1;
    const out: number[] = [];
    for (let s = from; s <= target; s++) {
      this.buckets.get(s)?.compact();
      out.push(s);
    }
    if (out.length > 0) this.closedThrough = target;
    return out;
  }
}

/** A block that accounts at least one operation (an idle second's block carries none). */
function carries(b: { due: number; started?: number; produced?: number; acked?: number; failed?: number; missed?: number; ok?: number; errors?: number; timeouts?: number; dropped?: number } | undefined): boolean {
  if (!b) return false;
  return b.due + (b.produced ?? 0) + (b.acked ?? 0) + (b.failed ?? 0) + (b.missed ?? 0) + (b.started ?? 0) + (b.ok ?? 0)
    + (b.errors ?? 0) + (b.timeouts ?? 0) + (b.dropped ?? 0) > 0;
}
