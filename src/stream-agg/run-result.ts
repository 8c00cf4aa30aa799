// Assembles a run's complete result — the content of run.json (SPEC §13) — from the merged records: scorecard,
// derived metrics, validity, rules, thresholds, phases, queries, categories, session page latency, groups, workers,
// streams, freshness, timeseries.
// A pure function of the plan and the aggregator's state, so a report rebuilt from the same records is identical.
// Must not read files, clocks or Kafka.

import type { RunPlan } from '../scenario/plan-types.js';
import { planHash } from '../scenario/plan.js';
import { SCORECARD_KEYS, SCORECARD_METRICS, resolveEmphasis, type ScorecardKey } from '../scenario/metric-names.js';
import type { RunAggregator } from './run-aggregator.js';
import { Timeline } from './timeline.js';
import { lagSeries, SINGLE_STREAM } from './lag-series.js';
import { freshnessStats, censoredPercentile } from './freshness-stats.js';
import { phaseTimings } from './phase-timing.js';
import { deriveMetrics } from './derived-metrics.js';
import { errorRate, ingestStats, queryStats, ratio } from './query-stats.js';
import { judgeValidity } from './validity.js';
import { checkRules, checkThresholds } from './rule-checks.js';
import { WorkerSaturation, saturationReasons } from './saturation.js';
import { sessionResult } from './session-result.js';
import { sessionOf } from '../scenario/session-mode.js';
import { Hist } from '../metrics/hist.js';
import { EXIT, type Scorecard } from './verdict-types.js';
import {
  RUN_JSON_SCHEMA_VERSION, TIMESERIES_COLUMNS, type CategoryJson, type PhaseJson, type QueryGroupJson, type QueryJson,
  type RunJson, type StreamJson, type TimeseriesRow, type WorkerJson,
} from './run-result-types.js';

export interface ResultMeta {
  version: string;
  generatedAt: string;
  /** The run failed outright (RunError) before it could finish: exit 1 whatever the data says. */
  failed?: string | null;
}

const DISTRIBUTION = [50, 75, 90, 95, 99, 99.9, 99.99, 100];

export function buildRunResult(plan: RunPlan, agg: RunAggregator, meta: ResultMeta): RunJson {
  const t0 = agg.t0Ms ?? Date.parse('1970-01-01T00:00:00Z');
  const started = agg.t0Ms !== null;
  const timeline = new Timeline(plan, t0);
  const ingesting = plan.streams.length > 0;
  const lag = lagSeries(agg.lag);
  const freshness = freshnessStats(agg.freshness, timeline, ingesting && plan.harness.freshness.enabled, (w) => agg.control.offsetOf(w));
  const timings = phaseTimings(agg, timeline);
  const groups = plan.workers.query.map((g) => g.group);
  const sessionMode = sessionOf(plan) !== null;
  const derived = deriveMetrics({ agg, timeline, lag, freshness, timings, groups, ingesting, sessionMode });
  const names = { phases: plan.phases.map((p) => p.name), groups: plan.scenario.queryGroups.map((g) => g.name) };
  const inputs = { metrics: derived.metrics, scales: plan.scaling, names };
  const rules = checkRules(plan.scenario.rules, inputs);
  const thresholds = checkThresholds(plan.thresholds, inputs);

  // Saturation per worker over the timeline.
  const sat = new Map<string, WorkerSaturation>(agg.expected.map((w) => [w.id, new WorkerSaturation(w.id)]));
  const cpuMax = new Map<string, number>();
  const rssMax = new Map<string, number>();
  const activeBySecond = new Map<number, number>();
  const saturatedBySecond = new Map<number, number>();
  for (let s = timeline.startS; s < timeline.endS && started; s++) {
    const b = agg.bucket(s);
    let active = 0;
    let saturated = 0;
    for (const w of b?.workers.values() ?? []) {
      if (!w.hasMain) continue;
      active++;
      const reasons = saturationReasons(w);
      if (reasons.length > 0) saturated++;
      sat.get(w.worker)?.add(s, reasons);
      if (w.cpuPct !== null) cpuMax.set(w.worker, Math.max(cpuMax.get(w.worker) ?? 0, w.cpuPct));
      if (w.rssMb !== null) rssMax.set(w.worker, Math.max(rssMax.get(w.worker) ?? 0, w.rssMb));
    }
    activeBySecond.set(s, active);
    saturatedBySecond.set(s, saturated);
  }
  const saturation = [...sat.values()];
  const validity = judgeValidity({ plan, agg, timeline, derived, timings, freshness, saturation, rules, ingesting });

  const scorecard = Object.fromEntries(SCORECARD_KEYS.map((k) => [k, derived.metrics[SCORECARD_METRICS[k]] ?? null])) as Scorecard;
  const emphasised: ScorecardKey[] = [];
  for (const e of plan.scenario.report.emphasis) {
    const r = resolveEmphasis(e, names);
    if (r.ok && r.metric.scorecardKey && !emphasised.includes(r.metric.scorecardKey)) emphasised.push(r.metric.scorecardKey);
  }
  const order = [...emphasised, ...SCORECARD_KEYS.filter((k) => !emphasised.includes(k))];

  // Phases.
  const phases: PhaseJson[] = timeline.phases.map((p, i) => {
    const q = derived.phaseQuery.get(p.name)!;
    const secs = Timeline.secondsOf(p);
    const ing = ingestStats(agg, secs);
    const lagIn = lag.points.filter((x) => x.second >= p.startS && x.second < p.endS).map((x) => x.lag);
    return {
      name: p.name, display_name: p.displayName, role: p.role, start_second: p.startS, duration_s: p.durationS,
      measured_duration_s: timings[i]!.measuredS, skew_ms: timings[i]!.skewMs,
      ingest: ingesting ? {
        target: p.events, acked: ing.acked, failed: ing.failed, missed: ing.missed, target_eps: p.targetEps,
        acked_eps: ing.acked / p.durationS, consumed_eps: lag.consumedEps(p.startS, p.endS),
        peak_lag: lagIn.length > 0 ? Math.max(...lagIn) : null, error_classes: sorted(ing.errorClasses),
      } : null,
      query: {
        target: p.arrivals, started: q.started, ok: q.ok, errors: q.errors, timeouts: q.timeouts, dropped: q.dropped,
        p50_ms: q.latency.percentileMs(50), p95_ms: q.latency.percentileMs(95), p99_ms: q.latency.percentileMs(99),
        max_ms: q.latency.percentileMs(100), error_rate: errorRate(q), error_classes: sorted(q.errorClasses),
        distribution: q.latency.isEmpty ? [] : DISTRIBUTION.map((x) => ({ p: x, ms: q.latency.percentileMs(x)! })),
      },
    };
  });

  // Queries and categories over the counted (non-warm-up) seconds.
  const counted: number[] = [];
  for (let s = timeline.startS; s < timeline.endS && started; s++) if (!timeline.isWarmup(s)) counted.push(s);
  const byQuery = new Map<string, { started: number; ok: number; errors: number; timeouts: number; dropped: number; withHits: number; latency: Hist }>();
  const byCategory = new Map<string, { ok: number; errors: number; latency: Hist }>();
  for (const s of counted) {
    const q = agg.bucket(s)?.query;
    if (!q) continue;
    for (const [name, x] of q.byQuery) {
      let t = byQuery.get(name);
      if (!t) byQuery.set(name, t = { started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, withHits: 0, latency: new Hist() });
      t.started += x.started; t.ok += x.ok; t.errors += x.errors; t.timeouts += x.timeouts; t.dropped += x.dropped; t.withHits += x.withHits;
      x.latency.addTo(t.latency);
    }
    for (const [name, x] of q.byCategory) {
      let t = byCategory.get(name);
      if (!t) byCategory.set(name, t = { ok: 0, errors: 0, latency: new Hist() });
      t.ok += x.ok; t.errors += x.errors;
      x.latency.addTo(t.latency);
    }
  }
  const queries: Record<string, QueryJson> = {};
  const allQueries = [...plan.scenario.queries, ...(plan.scenario.session?.categories.flatMap((c) => c.queries.map((q) => ({ ...q, category: c.name }))) ?? [])];
  const queryNames = [...new Set([...allQueries.map((q) => q.name), ...[...byQuery.keys()].sort()])];
  for (const name of queryNames) {
    const t = byQuery.get(name) ?? { started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, withHits: 0, latency: new Hist() };
    queries[name] = { started: t.started, ok: t.ok, errors: t.errors, timeouts: t.timeouts, dropped: t.dropped,
      p50_ms: t.latency.percentileMs(50), p99_ms: t.latency.percentileMs(99), with_hits_share: ratio(t.withHits, t.ok),
      category: allQueries.find((q) => q.name === name)?.category ?? null };
  }
  const categories: Record<string, CategoryJson> = {};
  for (const [name, t] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
    categories[name] = { ok: t.ok, errors: t.errors, p50_ms: t.latency.percentileMs(50), p99_ms: t.latency.percentileMs(99) };
  }
  const session = sessionResult(plan, agg, timeline, started);
  const query_groups: Record<string, QueryGroupJson> = {};
  for (const g of plan.workers.query) {
    const all = queryStats(agg, counted, g.group);
    const target = timeline.phases.filter((p) => p.role !== 'warmup').reduce((a, p) => a + (p.arrivalsByGroup.get(g.group) ?? 0), 0);
    query_groups[g.group] = { workers: g.count, target, started: all.started, ok: all.ok, errors: all.errors, timeouts: all.timeouts,
      dropped: all.dropped, baseline_p99_ms: derived.metrics[`query.group.${g.group}.baseline_p99`] ?? null,
      overlap_p99_ms: derived.metrics[`query.group.${g.group}.overlap_p99`] ?? null,
      p99_ratio: derived.metrics[`query.group.${g.group}.p99_ratio`] ?? null,
      error_rate_overlap: derived.metrics[`query.group.${g.group}.error_rate_overlap`] ?? null };
  }

  // Workers: achieved vs target over the counted (non-warm-up) seconds, their own shares of the non-warm-up phases.
  const workers: Record<string, WorkerJson> = {};
  const measuredPhase = (i: number) => timeline.phases[i]?.role !== 'warmup';
  const measuredSum = (xs: readonly number[]) => xs.reduce((a, x, i) => a + (measuredPhase(i) ? x : 0), 0);
  for (const w of agg.expected) {
    const c = agg.control.workers.get(w.id);
    const share = { due: 0, acked: 0, failed: 0, missed: 0, started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, arrivals: 0 };
    for (const s of counted) {
      const ws = agg.bucket(s)?.workers.get(w.id);
      if (!ws) continue;
      share.due += ws.due; share.acked += ws.acked; share.failed += ws.failed; share.missed += ws.missed;
      share.started += ws.started; share.ok += ws.ok; share.errors += ws.errors; share.timeouts += ws.timeouts; share.dropped += ws.dropped;
    }
    const s = sat.get(w.id)!;
    const entry: WorkerJson = {
      role: w.role, group: w.role === 'query' ? (w.group ?? 'default') : null, host: c?.hello?.host ?? null,
      threads: c?.hello?.threads ?? null, clock_offset_ms: c?.clockOffsetMs ?? null, cpu_max_pct: cpuMax.get(w.id) ?? null,
      rss_max_mb: rssMax.get(w.id) ?? null, saturated_s: s.seconds.length, said_hello: !!c?.hello, done: c?.doneAt != null,
      lost: c?.lostAt != null, failed: c?.failed ?? null,
    };
    if (w.role === 'ingest') {
      const target = plan.lanes.filter((l) => l.worker === w.index).reduce((a, l) => a + measuredSum(l.events), 0);
      entry.ingest = { target, acked: share.acked, failed: share.failed, missed: share.missed, achieved_ratio: ratio(share.acked, target) };
    } else {
      const target = plan.queryRates.filter((r) => r.worker === w.index && r.group === (w.group ?? 'default'))
        .reduce((a, r) => a + measuredSum(r.arrivals), 0);
      entry.query = { target, started: share.started, ok: share.ok, errors: share.errors, timeouts: share.timeouts,
        // Session users run ticks back to back: the open-loop target is informational there, not a share to achieve.
        dropped: share.dropped, achieved_ratio: sessionMode ? null : ratio(share.started, target) };
    }
    workers[w.id] = entry;
  }

  // Streams.
  const streams: Record<string, StreamJson> = {};
  const allIngest = ingestStats(agg, counted);
  for (const st of plan.streams) {
    const key = plan.streams.length === 1 ? (lag.streams.has(SINGLE_STREAM) ? SINGLE_STREAM : st.name) : st.name;
    const l = lag.streams.get(key) ?? lag.streams.get(st.name);
    const target = st.phases.reduce((a, p, i) => a + (timeline.phases[i]?.role === 'warmup' ? 0 : p.events), 0);
    const acked = plan.streams.length === 1 ? allIngest.acked : allIngest.byStream.get(st.name)?.acked ?? 0;
    const fs = plan.streams.length === 1 ? freshness : freshness.streams[st.name];
    streams[st.name] = { index: st.index, topic: st.topic, target, acked, consumed: l?.consumed ?? null,
      peak_backlog: l?.peak ?? null, time_to_searchable_p99_ms: fs?.p99_ms ?? null };
  }

  // Timeseries: every timeline second, then drain seconds with lag readings.
  const lagAt = new Map(lag.points.map((p) => [p.second, p]));
  const freshAt = freshnessBySecond(agg, timeline);
  const points: TimeseriesRow[] = [];
  const lastLag = lag.points.length > 0 ? lag.points[lag.points.length - 1]!.second : timeline.endS - 1;
  for (let s = timeline.startS; started && s <= Math.max(timeline.endS - 1, lastLag); s++) {
    const p = timeline.phaseAt(s);
    const b = agg.bucket(s);
    const q = b?.query;
    const h = q?.latency.merged();
    const lp = lagAt.get(s);
    points.push([s, p?.name ?? 'drain', p?.targetEps ?? 0, b?.ingest?.acked ?? 0, lp?.consumedEps ?? null, lp?.lag ?? null,
      p?.targetQps ?? 0, q?.started ?? 0, q ? q.ok + q.errors + q.timeouts : 0, q?.errors ?? 0, q?.timeouts ?? 0, q?.dropped ?? 0,
      h?.percentileMs(50) ?? null, h?.percentileMs(95) ?? null, h?.percentileMs(99) ?? null, h?.percentileMs(100) ?? null,
      freshAt(s), activeBySecond.get(s) ?? 0, saturatedBySecond.get(s) ?? 0]);
  }

  let clamped = 0;
  for (const s of agg.seconds()) {
    const q = agg.bucket(s)!.query;
    if (q) clamped += q.latency.merged().clampedCount;
  }
  if (clamped > 0) validity.warnings.push({ code: 'clamped_values', message: `${clamped} latency value(s) outside 1 µs – 1 h were recorded at the bound` });

  if (meta.failed) validity.violations.unshift({ rule: 'not_aborted', name: 'run failed', message: meta.failed });
  const aborted = agg.control.abort?.reason ?? null;
  const interrupted = aborted !== null && !agg.control.abort!.fatal;
  const thresholdsFailed = thresholds.some((t) => !t.passed);
  // SPEC §14 precedence: 130 (interrupted) > 1 (failed: a fatal abort or a failure the caller saw) > 2 > 3 > 0.
  const exit = interrupted ? EXIT.interrupted : meta.failed || agg.control.abort?.fatal ? EXIT.failed : !validity.valid ? EXIT.invalid
    : thresholdsFailed ? EXIT.thresholds : EXIT.ok;
  const endMs = Math.max(agg.control.lastDoneAt ?? 0, agg.control.lastReceivedAt ?? 0, timeline.endS * 1000, ...lag.points.map((p) => p.second * 1000));

  const topics: Record<string, string> = {};
  for (const st of plan.streams) topics[st.name] = st.topic;
  return {
    schema_version: RUN_JSON_SCHEMA_VERSION, incidentbench_version: meta.version, generated_at: meta.generatedAt,
    scenario: { name: plan.scenario.name, version: plan.scenario.version, display_name: plan.scenario.displayName, title: plan.scenario.report.title },
    target: { adapter: plan.target?.adapter ?? null, config_hash: plan.target?.configHash ?? null },
    harness: {
      workers: { ingest: plan.workers.ingest.count, ingest_threads: plan.workers.ingest.threads,
        query: plan.workers.query.reduce((a, g) => a + g.count, 0) },
      kafka: { bootstrap_servers: [...plan.kafka.bootstrap], topics, partitions: plan.streams[0]?.partitions ?? null },
      scaling: { rate_scale: plan.scaling.rateScale, duration_scale: plan.scaling.durationScale },
      plan_hash: planHash(plan),
    },
    run: {
      name: plan.run.name, id: plan.run.id, started_at: started ? new Date(t0).toISOString() : null,
      ended_at: started ? new Date(endMs).toISOString() : null,
      valid: validity.valid && !meta.failed, comparable: validity.comparable, validity_violations: validity.violations,
      warnings: validity.warnings, harness_saturated: saturation.some((s) => s.saturated),
      saturated_workers: saturation.filter((s) => s.saturated).map((s) => s.toJson()), aborted, exit_code: exit,
    },
    thresholds, rules, validity: validity.checks, scorecard, scorecard_order: order,
    derived: Object.fromEntries(Object.entries(derived.metrics).sort(([a], [b]) => a.localeCompare(b))),
    streams, phases, queries, categories, session, query_groups, workers, freshness,
    data_quality: { late_snapshots: agg.counters.lateSnapshots, late_entries: agg.counters.lateEntries,
      malformed_records: agg.counters.malformedRecords, clamped_values: clamped, foreign_snapshots: agg.counters.foreignSnapshots,
      outside_timeline: agg.counters.outsideTimeline },
    timeseries: { resolution_s: 1, columns: [...TIMESERIES_COLUMNS], points },
  };
}

function sorted(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
}

/** freshness p99 of sentinels found within the 30 s before each second (coordinator clock), ms. */
function freshnessBySecond(agg: RunAggregator, timeline: Timeline): (s: number) => number | null {
  const found = agg.freshness.filter((r) => r.foundAt !== null && !timeline.isWarmup(Math.floor(r.scheduledAt / 1000)))
    .map((r) => ({ at: Math.floor(r.foundAt! / 1000), ms: r.foundAt! - (r.ackedAt + (r.worker ? agg.control.offsetOf(r.worker) : 0)) }))
    .sort((a, b) => a.at - b.at);
  return (s) => {
    const recent = found.filter((f) => f.at <= s && f.at > s - 30).map((f) => f.ms);
    return censoredPercentile(recent, 99);
  };
}
