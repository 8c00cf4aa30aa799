// Every derived metric of SPEC §11 by its dotted name, computed exactly as defined: phase percentiles from merged
// histograms, recovery over rolling 5 s windows with a 5 s hold, backlog drain, isolation correlations, phase skew.
// null = cannot be computed (never 0). Must not judge validity or normalise scaled runs (rule-checks does).

import { Hist } from '../metrics/hist.js';
import type { RunAggregator } from './run-aggregator.js';
import { Timeline, type TimelinePhase } from './timeline.js';
import { errorRate, ingestStats, queryStats, ratio, type QueryStats } from './query-stats.js';
import type { LagSeries } from './lag-series.js';
import type { FreshnessJson } from './run-result-types.js';
import type { PhaseTiming } from './phase-timing.js';
import { maxPhaseSkew } from './phase-timing.js';
import { findRecovery } from './recovery.js';
import { backlogDrain, drainThreshold } from './backlog-drain.js';
import { isolationCorrelation } from './pearson.js';

export interface DerivedContext {
  agg: RunAggregator;
  timeline: Timeline;
  lag: LagSeries;
  freshness: FreshnessJson;
  timings: PhaseTiming[];
  /** Query groups of the plan. */
  groups: string[];
  /** The run ingests events (not query-only). */
  ingesting: boolean;
  /**
   * Session mode (SPEC §7.5): users run ticks back to back, so the phases' arrivals are informational and the
   * throughput and goodput ratios, which divide by them, are null.
   */
  sessionMode?: boolean;
}

export interface Derived {
  metrics: Record<string, number | null>;
  /** Merged query stats per phase (warm-up phases included, for the phase table). */
  phaseQuery: Map<string, QueryStats>;
  /** The second recovery was reached, or null. */
  recoveredAt: number | null;
  /** Window p99 per second from start(R) (for charts and the live signal). */
  recoveryWindows: { second: number; p99Ms: number | null }[];
  backlog: { peak: number | null; peakAt: number | null; drainedAt: number | null; threshold: number | null };
}

/** Latency window of SPEC §11 recovery: due seconds [t − 4, t]. */
export const RECOVERY_WINDOW_S = 5;

export function deriveMetrics(c: DerivedContext): Derived {
  const { agg, timeline } = c;
  const m: Record<string, number | null> = {};
  const B = timeline.byRole('baseline');
  const O = timeline.byRole('overlap');
  const R = timeline.byRole('recovery');
  const phaseQuery = new Map<string, QueryStats>();
  for (const p of timeline.phases) phaseQuery.set(p.name, queryStats(agg, Timeline.secondsOf(p)));
  const q = (p: TimelinePhase | null) => (p ? phaseQuery.get(p.name)! : null);
  const pct = (p: TimelinePhase | null, x: number) => q(p)?.latency.percentileMs(x) ?? null;

  m['query.baseline_p50'] = pct(B, 50);
  m['query.baseline_p99'] = pct(B, 99);
  m['query.overlap_p50'] = pct(O, 50);
  m['query.overlap_p99'] = pct(O, 99);
  m['query.p99_ratio'] = ratio(m['query.overlap_p99'], m['query.baseline_p99']);
  const qo = q(O);
  m['query.error_rate_overlap'] = qo ? errorRate(qo) : null;
  m['query.throughput_ratio'] = qo && O && !c.sessionMode ? ratio(qo.started, O.arrivals) : null;
  m['query.goodput_ratio'] = qo && O && !c.sessionMode ? ratio(qo.ok, O.arrivals) : null;
  const counted = timeline.phases.filter((p) => p.role !== 'warmup');
  m['query.total_executed'] = counted.reduce((a, p) => a + phaseQuery.get(p.name)!.started, 0);
  for (const p of timeline.phases) {
    const h = p.role === 'warmup' ? null : phaseQuery.get(p.name)!.latency;
    for (const [stat, x] of [['p50', 50], ['p95', 95], ['p99', 99], ['max', 100]] as const) {
      m[`query.phase.${p.name}.${stat}`] = h ? h.percentileMs(x) : null;
    }
  }
  for (const g of c.groups) {
    const gb = B ? queryStats(agg, Timeline.secondsOf(B), g) : null;
    const go = O ? queryStats(agg, Timeline.secondsOf(O), g) : null;
    const b99 = gb?.latency.percentileMs(99) ?? null;
    const o99 = go?.latency.percentileMs(99) ?? null;
    m[`query.group.${g}.overlap_p99`] = o99;
    m[`query.group.${g}.baseline_p99`] = b99;
    m[`query.group.${g}.p99_ratio`] = ratio(o99, b99);
    m[`query.group.${g}.error_rate_overlap`] = go ? errorRate(go) : null;
  }

  // Ingest.
  const acked = (p: TimelinePhase | null) => (p ? ingestStats(agg, Timeline.secondsOf(p)).acked : null);
  if (c.ingesting) {
    const bAcked = acked(B);
    m['ingest.baseline_eps'] = B && bAcked !== null ? bAcked / B.durationS : null;
    m['ingest.baseline_ratio'] = B ? ratio(bAcked, B.events) : null;
    const peakPhases = timeline.phases.filter((p) => p.name === 'ingestion_surge' || p.name === 'overlap');
    const peakS = peakPhases.reduce((a, p) => a + p.durationS, 0);
    m['ingest.peak_eps'] = peakS > 0 ? peakPhases.reduce((a, p) => a + acked(p)!, 0) / peakS : null;
    m['ingest.throughput_ratio'] = O ? ratio(acked(O), O.events) : null;
  } else {
    for (const k of ['ingest.baseline_eps', 'ingest.baseline_ratio', 'ingest.peak_eps', 'ingest.throughput_ratio']) m[k] = null;
  }
  for (const p of timeline.phases) {
    const skip = !c.ingesting || p.role === 'warmup';
    m[`ingest.phase.${p.name}.consumed_eps`] = skip ? null : c.lag.consumedEps(p.startS, p.endS);
    m[`ingest.phase.${p.name}.time_to_searchable_p99`] = skip ? null : c.freshness.phases[p.name]?.p99_ms ?? null;
  }
  // Backlog: readings from t0 on (run + drain period).
  const lagPoints = c.lag.points.filter((p) => p.second >= timeline.startS);
  let backlog: Derived['backlog'] = { peak: null, peakAt: null, drainedAt: null, threshold: null };
  if (c.ingesting && lagPoints.length > 0) {
    const bLags = B ? lagPoints.filter((p) => p.second >= B.startS && p.second < B.endS).map((p) => p.lag) : [];
    const threshold = drainThreshold(bLags, B ? B.targetEps : 0);
    const d = backlogDrain(lagPoints.map((p) => ({ at: p.second, lag: p.lag })), threshold);
    backlog = { peak: d.peak, peakAt: d.peakAt, drainedAt: d.drainedAt, threshold };
    m['ingest.peak_backlog'] = d.peak;
    m['ingest.backlog_drain_time_s'] = d.drainTimeS;
  } else {
    m['ingest.peak_backlog'] = null;
    m['ingest.backlog_drain_time_s'] = null;
  }
  m['ingest.time_to_searchable_p50'] = c.ingesting ? c.freshness.p50_ms : null;
  m['ingest.time_to_searchable_p99'] = c.ingesting ? c.freshness.p99_ms : null;

  // Recovery.
  const perSecond = new Map<number, Hist>();
  const latencyOf = (s: number): Hist | null => {
    if (timeline.isWarmup(s)) return null;
    let h = perSecond.get(s);
    if (!h) {
      const l = agg.bucket(s)?.query?.latency;
      if (!l || l.isEmpty) return null;
      h = l.merged();
      perSecond.set(s, h);
    }
    return h;
  };
  const recoveryWindows: { second: number; p99Ms: number | null }[] = [];
  if (R) {
    for (let t = R.startS; t < timeline.endS; t++) {
      const w = new Hist();
      for (let s = t - RECOVERY_WINDOW_S + 1; s <= t; s++) {
        const h = latencyOf(s);
        if (h) w.add(h);
      }
      recoveryWindows.push({ second: t, p99Ms: w.percentileMs(99) });
    }
  }
  const rec = R ? findRecovery(recoveryWindows, m['query.baseline_p99']) : { recoveredAt: null, timeS: null };
  m['recovery.time_to_baseline_s'] = rec.timeS;

  // Isolation.
  const seconds: number[] = [];
  for (let s = timeline.startS; s < timeline.endS; s++) if (!timeline.isWarmup(s)) seconds.push(s);
  const consumedBySecond = new Map(c.lag.points.map((p) => [p.second, p.consumedEps]));
  if (c.ingesting) {
    const ackedEps = seconds.map((s) => agg.bucket(s)?.ingest?.acked ?? 0);
    const p99 = seconds.map((s) => latencyOf(s)?.percentileMs(99) ?? null);
    const enough = seconds.map((s) => (agg.bucket(s)?.query?.ok ?? 0) >= 5);
    m['isolation.ingest_impact_on_query'] = isolationCorrelation(ackedEps, p99, enough).r;
    const startedQps = seconds.map((s) => agg.bucket(s)?.query?.started ?? 0);
    const share = seconds.map((s, i) => {
      const cons = consumedBySecond.get(s);
      return cons === undefined || cons === null || ackedEps[i] === 0 ? null : cons / ackedEps[i]!;
    });
    m['isolation.query_impact_on_ingest'] = isolationCorrelation(startedQps, share, share.map((x, i) => x !== null && enough[i]!)).r;
    const trigger = timeline.byName('incident_trigger');
    m['isolation.ingest_step_ratio'] = ratio(pct(trigger, 99), m['query.baseline_p99']);
    const surge = timeline.byName('ingestion_surge');
    const overlapPhase = timeline.byName('overlap');
    m['isolation.query_step_ratio'] = surge && overlapPhase
      ? ratio(c.lag.consumedEps(overlapPhase.startS, overlapPhase.endS), c.lag.consumedEps(surge.startS, surge.endS)) : null;
  } else {
    for (const k of ['isolation.ingest_impact_on_query', 'isolation.query_impact_on_ingest', 'isolation.ingest_step_ratio',
      'isolation.query_step_ratio']) m[k] = null;
  }

  m['harness.phase_skew_ms'] = maxPhaseSkew(c.timings);
  const offsets = [...agg.control.workers.values()].map((w) => w.clockOffsetMs).filter((x): x is number => x !== null);
  m['harness.clock_offset_ms_max'] = offsets.length === 0 ? null : Math.max(...offsets.map(Math.abs));
  return { metrics: m, phaseQuery, recoveredAt: rec.recoveredAt, recoveryWindows, backlog };
}
