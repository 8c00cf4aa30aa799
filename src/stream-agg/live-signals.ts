// The live view of a run (SPEC §10.3): a LivePoint for each closed second with rates, latency, lag, freshness and
// the running `recovered` and `saturated` signals, computed incrementally as seconds close. Must not decide the
// final metrics (run-result does, from the complete data).

import { Hist } from '../metrics/hist.js';
import type { RunPlan } from '../scenario/plan-types.js';
import type { RunAggregator } from './run-aggregator.js';
import { Timeline } from './timeline.js';
import { findRecovery } from './recovery.js';
import { RECOVERY_WINDOW_S } from './derived-metrics.js';
import { errorRate } from './query-stats.js';
import { saturationReasons, WorkerSaturation } from './saturation.js';
import { censoredPercentile } from './freshness-stats.js';
import type { FreshnessRecord, LagRecord } from './records.js';
import type { LivePoint } from './live-types.js';

export type LivePointBody = Omit<LivePoint, 'v' | 'kind' | 'run' | 'runId' | 'at'>;

export class LiveSignals {
  private timeline: Timeline | null = null;
  private readonly perSecond = new Map<number, Hist>();
  private readonly windows: { second: number; p99Ms: number | null }[] = [];
  private baselineP99: number | null | undefined;
  private readonly saturation = new Map<string, WorkerSaturation>();
  private readonly lastLag = new Map<string, LagRecord>();
  private readonly prevLag = new Map<string, LagRecord>();
  private readonly found: { at: number; ms: number }[] = [];

  constructor(private readonly plan: RunPlan, private readonly agg: RunAggregator) {}

  /** A lag reading as it arrives (the coordinator's own). */
  lag(rec: LagRecord): void {
    const k = rec.stream ?? '';
    const last = this.lastLag.get(k);
    if (last) this.prevLag.set(k, last);
    this.lastLag.set(k, rec);
  }

  freshness(rec: FreshnessRecord): void {
    if (rec.foundAt === null) return;
    const off = rec.worker ? this.agg.control.offsetOf(rec.worker) : 0;
    this.found.push({ at: rec.foundAt, ms: rec.foundAt - (rec.ackedAt + off) });
    while (this.found.length > 0 && this.found[0]!.at < rec.foundAt - 30_000) this.found.shift();
  }

  /** Current Σ lag and consumed EPS (Δ committed / Δt of each stream's last two readings). */
  lagNow(): { lag: number | null; consumedEps: number | null } {
    if (this.lastLag.size === 0) return { lag: null, consumedEps: null };
    let lag = 0;
    let eps: number | null = null;
    for (const [k, r] of this.lastLag) {
      lag += r.lag;
      const p = this.prevLag.get(k);
      if (p?.committed !== undefined && r.committed !== undefined) {
        const dt = ((r.at ?? r.second * 1000) - (p.at ?? p.second * 1000)) / 1000;
        if (dt > 0) eps = (eps ?? 0) + Math.max(0, r.committed - p.committed) / dt;
      }
    }
    return { lag, consumedEps: eps };
  }

  /** The live point of a just-closed second (call in ascending order). */
  point(second: number): LivePointBody {
    const t0 = this.agg.t0Ms;
    if (t0 !== null && this.timeline === null) this.timeline = new Timeline(this.plan, t0);
    const tl = this.timeline;
    const phase = tl?.phaseAt(second) ?? null;
    const b = this.agg.bucket(second);
    const q = b?.query;
    const h = q && !q.latency.isEmpty ? q.latency.merged() : null;
    if (h && !(tl?.isWarmup(second) ?? false)) this.perSecond.set(second, h);
    // Saturation.
    let active = 0;
    let saturatedNow = 0;
    for (const w of b?.workers.values() ?? []) {
      if (!w.hasMain) continue;
      active++;
      const reasons = saturationReasons(w);
      if (reasons.length > 0) saturatedNow++;
      let s = this.saturation.get(w.worker);
      if (!s) this.saturation.set(w.worker, s = new WorkerSaturation(w.worker));
      s.add(second, reasons);
    }
    const recovered = tl ? this.recovered(tl, second) : null;
    const { lag, consumedEps } = this.lagNow();
    const started = q?.started ?? 0;
    return {
      second, elapsedS: tl ? second - tl.startS : 0, durationS: this.plan.totals.durationS, phase: phase?.name ?? 'drain',
      targetEps: phase?.targetEps ?? 0, ackedEps: b?.ingest?.acked ?? 0, consumedEps, targetQps: phase?.targetQps ?? 0,
      startedQps: started, completedQps: q ? q.ok + q.errors + q.timeouts : 0,
      p50Ms: h?.percentileMs(50) ?? null, p95Ms: h?.percentileMs(95) ?? null, p99Ms: h?.percentileMs(99) ?? null,
      maxMs: h?.percentileMs(100) ?? null, errorRate: q ? errorRate(q) : null, lag,
      freshnessP99Ms: censoredPercentile(this.found.map((f) => f.ms), 99),
      activeWorkers: active, saturatedWorkers: saturatedNow, recovered,
      saturated: [...this.saturation.values()].some((s) => s.saturated),
    };
  }

  private recovered(tl: Timeline, second: number): boolean | null {
    const B = tl.byRole('baseline');
    const R = tl.byRole('recovery');
    if (!B || !R || second < R.startS) return null;
    if (this.baselineP99 === undefined) {
      const h = new Hist();
      for (const s of Timeline.secondsOf(B)) this.agg.bucket(s)?.query?.latency.addTo(h);
      this.baselineP99 = h.percentileMs(99);
    }
    if (second < tl.endS) {
      const w = new Hist();
      for (let s = second - RECOVERY_WINDOW_S + 1; s <= second; s++) {
        const x = this.perSecond.get(s);
        if (x) w.add(x);
      }
      this.windows.push({ second, p99Ms: w.percentileMs(99) });
      this.perSecond.delete(second - RECOVERY_WINDOW_S);
    }
    return findRecovery(this.windows, this.baselineP99).recoveredAt !== null;
  }
}
