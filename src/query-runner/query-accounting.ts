// Per-due-second accounting of one query worker (SPEC §7.4, §10.1): every arrival counts in the second it was
// due — started, dropped, or completed ok / error / timeout with latency from the due time, service time from
// the send time, and timer lateness. Must not run queries or read clocks.

import type { WorkerTotals } from '../control/protocol.js';
import { DueSecondLedger } from '../metrics/due-second-ledger.js';
import { Hist } from '../metrics/hist.js';
import { clearQueryTotals, emptyQueryTotals, queryTotalsToBlock, type QueryNameTotals, type QueryTotals } from '../metrics/query-totals.js';
import type { LateBlock, ProcBlock, QueryBlock, WorkerSnapshot } from '../metrics/worker-snapshot.js';

export type Outcome =
  | { kind: 'ok'; hits: number | null }
  | { kind: 'error'; errorClass: string }
  | { kind: 'timeout' };

export interface QueryIdentity {
  run: string;
  runId: string;
  worker: string;
  group: string;
}

export class QueryAccounting {
  private readonly ledger = new DueSecondLedger<QueryTotals>(emptyQueryTotals, clearQueryTotals);
  private readonly sums = { due: 0, started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0 };

  constructor(
    private readonly duePerSecond: ReadonlyMap<number, number>,
    /** Phase table with this worker's target QPS per phase. */
    private readonly phases: readonly { name: string; offsetS: number; targetQps: number }[],
    private readonly t0Ms: number,
  ) {}

  private at(dueMs: number): QueryTotals {
    return this.ledger.touch(Math.floor(dueMs / 1000));
  }

  private byQuery(t: QueryTotals, name: string): QueryNameTotals {
    let q = t.byQuery.get(name);
    if (!q) {
      q = { started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, withHits: 0, latency: new Hist() };
      t.byQuery.set(name, q);
    }
    return q;
  }

  /** Session mode: a query due now (no planned schedule; due = what the users issued). */
  issued(dueMs: number): void {
    this.at(dueMs).due++;
    this.sums.due++;
  }

  started(dueMs: number, query: string, latenessMs: number): void {
    const t = this.at(dueMs);
    t.started++;
    this.byQuery(t, query).started++;
    t.timerLateness.recordMs(Math.max(0, latenessMs));
    this.sums.started++;
  }

  dropped(dueMs: number, query: string): void {
    const t = this.at(dueMs);
    t.dropped++;
    this.byQuery(t, query).dropped++;
    this.sums.dropped++;
  }

  completed(dueMs: number, query: string, category: string | null, sentMs: number, doneMs: number, outcome: Outcome): void {
    const t = this.at(dueMs);
    const q = this.byQuery(t, query);
    const latency = doneMs - dueMs;
    t.serviceTime.recordMs(doneMs - sentMs);
    if (outcome.kind === 'ok') {
      t.ok++;
      q.ok++;
      t.latency.recordMs(latency);
      q.latency.recordMs(latency);
      if (outcome.hits !== null && outcome.hits > 0) q.withHits++;
      this.sums.ok++;
    } else if (outcome.kind === 'error') {
      t.errors++;
      q.errors++;
      t.errorLatency.recordMs(latency);
      t.errorClasses.set(outcome.errorClass, (t.errorClasses.get(outcome.errorClass) ?? 0) + 1);
      this.sums.errors++;
    } else {
      t.timeouts++;
      q.timeouts++;
      t.errorLatency.recordMs(latency);
      t.errorClasses.set('timeout', (t.errorClasses.get('timeout') ?? 0) + 1);
      this.sums.timeouts++;
    }
    if (category !== null) {
      let c = t.byCategory.get(category);
      if (!c) t.byCategory.set(category, (c = { ok: 0, errors: 0, latency: new Hist() }));
      if (outcome.kind === 'ok') {
        c.ok++;
        c.latency.recordMs(latency);
      } else c.errors++;
    }
  }

  /** A session tick (page) that started at `startMs` finished at `doneMs`. */
  page(startMs: number, doneMs: number): void {
    this.at(startMs).page.recordMs(doneMs - startMs);
  }

  private phaseAt(second: number): number {
    const rel = second * 1000 - this.t0Ms;
    let p = 0;
    for (let i = 0; i < this.phases.length; i++) if (rel >= this.phases[i]!.offsetS * 1000) p = i;
    return p;
  }

  snapshot(second: number, id: QueryIdentity, proc: ProcBlock, phaseSwitchAt?: number): WorkerSnapshot {
    const inTimeline = second * 1000 >= this.t0Ms;
    const phase = this.phaseAt(second);
    if (!this.ledger.published(second)) {
      const n = this.duePerSecond.get(second) ?? 0;
      this.ledger.touch(second).due += n;
      this.sums.due += n;
    }
    const target = inTimeline ? this.phases[phase]!.targetQps : 0;
    const { main, late: lateBlocks } = this.ledger.publish(second, (t, isMain) => {
      const b: QueryBlock = queryTotalsToBlock(t);
      b.targetQps = isMain ? target : 0;
      return b;
    });
    const late: Record<string, LateBlock> = {};
    for (const [s, b] of Object.entries(lateBlocks)) late[s] = { query: b };
    const snap: WorkerSnapshot = { v: 1, run: id.run, runId: id.runId, worker: id.worker, role: 'query', group: id.group,
      second, phase: this.phases[phase]!.name, query: main, proc };
    if (Object.keys(late).length > 0) snap.late = late;
    if (phaseSwitchAt !== undefined) snap.phaseSwitchAt = phaseSwitchAt;
    return snap;
  }

  get unpublished(): number {
    return this.ledger.unpublished;
  }

  prune(beforeSecond: number): void {
    this.ledger.prune(beforeSecond);
  }

  totals(): WorkerTotals {
    return { query: { ...this.sums } };
  }
}
