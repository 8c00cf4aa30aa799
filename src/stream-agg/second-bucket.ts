// The merged data of one due second (SPEC §10.2): counts summed over workers, histograms kept encoded, and each
// worker's share for saturation and per-worker totals. Must not know about watermarks or phases.

import { HistList } from './hist-list.js';
import { addCounts } from '../metrics/keyed-counts.js';
import type { IngestBlock, QueryBlock, SentinelAck, StreamCounters } from '../metrics/worker-snapshot.js';

export interface IngestSecond {
  due: number;
  produced: number;
  acked: number;
  failed: number;
  missed: number;
  retries: number;
  targetEps: number;
  scheduleLagMs: number;
  errorClasses: Map<string, number>;
  byStream: Map<string, StreamCounters>;
  produceDelay: HistList;
  ackLatency: HistList;
}

export interface QueryCountsSecond {
  started: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
}

export interface QueryNameSecond extends QueryCountsSecond {
  withHits: number;
  latency: HistList;
}

export interface GroupSecond extends QueryCountsSecond {
  due: number;
  targetQps: number;
  latency: HistList;
}

export interface QuerySecond extends QueryCountsSecond {
  due: number;
  targetQps: number;
  errorClasses: Map<string, number>;
  latency: HistList;
  errorLatency: HistList;
  serviceTime: HistList;
  timerLateness: HistList;
  /** Session ticks (page latency, SPEC §7.5) that started in this second; empty outside session mode. */
  page: HistList;
  byQuery: Map<string, QueryNameSecond>;
  byCategory: Map<string, { ok: number; errors: number; latency: HistList }>;
  byGroup: Map<string, GroupSecond>;
}

/** One worker's share of a due second (its main block and its late blocks for that second). */
export interface WorkerSecond {
  worker: string;
  role: 'ingest' | 'query';
  group: string;
  /** True once the snapshot whose `second` this is has arrived (proc and targets come from it). */
  hasMain: boolean;
  due: number;
  acked: number;
  failed: number;
  missed: number;
  targetEps: number;
  scheduleLagMs: number;
  started: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  targetQps: number;
  timerLateness: HistList;
  /** p99 of `timerLateness`, ms, kept when the second closes (undefined: not computed since the last addition). */
  latenessP99Ms?: number | null;
  cpuPct: number | null;
  cpuLimitCores: number | null;
  rssMb: number | null;
  phaseSwitchAt: number | null;
  /** The phase name the worker reported in this second's snapshot. */
  phase: string | null;
}

export interface SentinelSeen extends SentinelAck {
  worker: string;
}

export class SecondBucket {
  ingest: IngestSecond | null = null;
  query: QuerySecond | null = null;
  readonly workers = new Map<string, WorkerSecond>();
  readonly sentinels: SentinelSeen[] = [];

  /**
   * @param groupLatency keep a latency list per query group; false when the run has one group (its latency is the
   *   second's latency, so keeping it twice would only cost a decode per second).
   */
  constructor(readonly second: number, readonly groupLatency = true) {}

  worker(id: string, role: 'ingest' | 'query', group: string): WorkerSecond {
    let w = this.workers.get(id);
    if (!w) {
      w = { worker: id, role, group, hasMain: false, due: 0, acked: 0, failed: 0, missed: 0, targetEps: 0, scheduleLagMs: 0,
        started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, targetQps: 0, timerLateness: new HistList(),
        cpuPct: null, cpuLimitCores: null, rssMb: null, phaseSwitchAt: null, phase: null };
      this.workers.set(id, w);
    }
    return w;
  }

  addIngest(b: IngestBlock, w: WorkerSecond, worker: string): void {
    const t = this.ingest ??= {
      due: 0, produced: 0, acked: 0, failed: 0, missed: 0, retries: 0, targetEps: 0, scheduleLagMs: 0,
      errorClasses: new Map(), byStream: new Map(), produceDelay: new HistList(), ackLatency: new HistList(),
    };
    t.due += b.due;
    t.produced += b.produced;
    t.acked += b.acked;
    t.failed += b.failed;
    t.missed += b.missed;
    t.retries += b.retries ?? 0;
    t.targetEps += b.targetEps;
    t.scheduleLagMs = Math.max(t.scheduleLagMs, b.scheduleLagMs);
    addCounts(t.errorClasses, b.errorClasses);
    for (const [name, s] of Object.entries(b.byStream ?? {})) {
      const x = t.byStream.get(name);
      if (x) {
        x.due += s.due;
        x.acked += s.acked;
        x.failed += s.failed;
        x.missed += s.missed;
      } else t.byStream.set(name, { due: s.due, acked: s.acked, failed: s.failed, missed: s.missed });
    }
    t.produceDelay.add(b.produceDelay);
    t.ackLatency.add(b.ackLatency);
    for (const s of b.sentinels ?? []) this.sentinels.push({ ...s, worker });
    w.due += b.due;
    w.acked += b.acked;
    w.failed += b.failed;
    w.missed += b.missed;
    w.targetEps += b.targetEps;
    w.scheduleLagMs = Math.max(w.scheduleLagMs, b.scheduleLagMs);
  }

  addQuery(b: QueryBlock, w: WorkerSecond, group: string): void {
    const t = this.query ??= {
      due: 0, started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, targetQps: 0, errorClasses: new Map(),
      latency: new HistList(), errorLatency: new HistList(), serviceTime: new HistList(), timerLateness: new HistList(),
      page: new HistList(), byQuery: new Map(), byCategory: new Map(), byGroup: new Map(),
    };
    addQueryCounts(t, b);
    t.due += b.due;
    t.targetQps += b.targetQps;
    addCounts(t.errorClasses, b.errorClasses);
    t.latency.add(b.latency);
    t.errorLatency.add(b.errorLatency);
    t.serviceTime.add(b.serviceTime);
    t.timerLateness.add(b.timerLateness);
    t.page.add(b.page);
    for (const [name, q] of Object.entries(b.byQuery)) {
      let x = t.byQuery.get(name);
      if (!x) t.byQuery.set(name, x = { started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, withHits: 0, latency: new HistList() });
      addQueryCounts(x, q);
      x.withHits += q.withHits;
      x.latency.add(q.latency);
    }
    for (const [name, c] of Object.entries(b.byCategory ?? {})) {
      let x = t.byCategory.get(name);
      if (!x) t.byCategory.set(name, x = { ok: 0, errors: 0, latency: new HistList() });
      x.ok += c.ok;
      x.errors += c.errors;
      x.latency.add(c.latency);
    }
    let g = t.byGroup.get(group);
    if (!g) t.byGroup.set(group, g = { due: 0, started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, targetQps: 0, latency: new HistList() });
    addQueryCounts(g, b);
    g.due += b.due;
    g.targetQps += b.targetQps;
    if (this.groupLatency) g.latency.add(b.latency);
    addQueryCounts(w, b);
    w.targetQps += b.targetQps;
    w.timerLateness.add(b.timerLateness);
    delete w.latenessP99Ms;
  }

  /** Queries that completed (ok + errors + timeouts) in this due second. */
  get completed(): number {
    const q = this.query;
    return q ? q.ok + q.errors + q.timeouts : 0;
  }

  /** Merges every histogram list into one encoding (a closed second keeps one per list). */
  compact(): void {
    const i = this.ingest;
    if (i) {
      i.produceDelay.compact();
      i.ackLatency.compact();
    }
    const q = this.query;
    if (q) {
      for (const l of [q.latency, q.errorLatency, q.serviceTime, q.timerLateness, q.page]) l.compact();
      for (const x of q.byQuery.values()) x.latency.compact();
      for (const x of q.byCategory.values()) x.latency.compact();
      for (const x of q.byGroup.values()) x.latency.compact();
    }
    for (const w of this.workers.values()) {
      if (!w.timerLateness.isEmpty) w.latenessP99Ms = w.timerLateness.compact().percentileMs(99);
    }
  }
}

function addQueryCounts(into: QueryCountsSecond, b: QueryCountsSecond): void {
  into.started += b.started;
  into.ok += b.ok;
  into.errors += b.errors;
  into.timeouts += b.timeouts;
  into.dropped += b.dropped;
}
