// The mandatory validity rules (SPEC §12.1, each judged and explained in one line) and the advisory warnings
// (§12.2) of a run. Must not compute derived metrics (it reads them) nor decide exit codes.

import { Hist } from '../metrics/hist.js';
import { resolveEmphasis } from '../scenario/metric-names.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { sessionOf } from '../scenario/session-mode.js';
import type { RunAggregator } from './run-aggregator.js';
import { Timeline } from './timeline.js';
import type { Derived } from './derived-metrics.js';
import type { PhaseTiming } from './phase-timing.js';
import type { FreshnessJson } from './run-result-types.js';
import { baselineStability } from './baseline-stability.js';
import { longestStreak } from './streak.js';
import { errorRate, ingestStats } from './query-stats.js';
import type { RuleResult, ValidityCheck, Violation, Warning } from './verdict-types.js';
import type { WorkerSaturation } from './saturation.js';

/** Consecutive seconds that make the "no crash" and "Kafka healthy" rules fail (SPEC §12.1). */
export const FAILING_STREAK_S = 30;
export const MIN_PHASE_S = 30;

export interface ValidityInputs {
  plan: RunPlan;
  agg: RunAggregator;
  timeline: Timeline;
  derived: Derived;
  timings: PhaseTiming[];
  freshness: FreshnessJson;
  saturation: WorkerSaturation[];
  rules: RuleResult[];
  ingesting: boolean;
}

export interface ValidityResult {
  checks: ValidityCheck[];
  violations: Violation[];
  warnings: Warning[];
  valid: boolean;
  comparable: boolean;
}

const fmt = (n: number, d = 1) => n.toFixed(d);
/** a / b in % with one decimal, truncated: 3599 of 4000 reads 89.9 %, never a passing-looking 90.0 % (for counts ≥ 0). */
const pct = (a: number, b: number) => (b === 0 ? '—' : `${fmt(Math.floor((1000 * a) / b) / 10)} %`);

export function judgeValidity(x: ValidityInputs): ValidityResult {
  const { plan, agg, timeline } = x;
  const checks: ValidityCheck[] = [];
  const warnings: Warning[] = [];
  const add = (c: ValidityCheck) => checks.push(c);
  const B = timeline.byRole('baseline');

  // Baseline stability.
  if (!B) add({ rule: 'baseline_stability', name: 'baseline stability', status: 'not_judged', detail: 'the run has no baseline phase' });
  else {
    const secs = Timeline.secondsOf(B).map((s) => {
      const latency = agg.bucket(s)?.query?.latency.merged() ?? new Hist();
      return { second: s, completed: latency.count, latency };
    });
    const st = baselineStability(secs);
    add({ rule: 'baseline_stability', name: 'baseline stability', detail: st.detail,
      status: !st.judged ? 'not_judged' : st.passed ? 'pass' : 'fail' });
    if (!st.judged) warnings.push({ code: 'baseline_stability_not_judged', message: `baseline stability not judged: ${st.detail}` });
  }

  // Targets at baseline.
  if (!x.ingesting) add({ rule: 'ingest_target_at_baseline', name: 'ingest target at baseline', status: 'not_applicable', detail: 'query-only scenario' });
  else if (!B) add({ rule: 'ingest_target_at_baseline', name: 'ingest target at baseline', status: 'not_judged', detail: 'the run has no baseline phase' });
  else {
    const acked = ingestStats(agg, Timeline.secondsOf(B)).acked;
    const ok = acked >= 0.9 * B.events;
    add({ rule: 'ingest_target_at_baseline', name: 'ingest target at baseline', status: ok ? 'pass' : 'fail',
      detail: `acked ${acked} of ${B.events} target events in ${B.name} (${pct(acked, B.events)}; ≥ 90 % required)` });
  }
  if (sessionOf(plan)) add({ rule: 'query_target_at_baseline', name: 'query target at baseline', status: 'not_applicable', detail: 'session mode (closed loop)' });
  else if (!B) add({ rule: 'query_target_at_baseline', name: 'query target at baseline', status: 'not_judged', detail: 'the run has no baseline phase' });
  else {
    const started = x.derived.phaseQuery.get(B.name)!.started;
    const ok = started >= 0.9 * B.arrivals;
    add({ rule: 'query_target_at_baseline', name: 'query target at baseline', status: ok ? 'pass' : 'fail',
      detail: `started ${started} of ${B.arrivals} target arrivals in ${B.name} (${pct(started, B.arrivals)}; ≥ 90 % required)` });
  }

  // No crash: the longest span of seconds in which every completed query failed.
  {
    let start: number | null = null;
    let longest = 0;
    let longestAt: number | null = null;
    for (let s = timeline.startS; s < timeline.endS; s++) {
      if (timeline.isWarmup(s)) continue;
      const q = agg.bucket(s)?.query;
      if (!q || q.ok + q.errors + q.timeouts === 0) continue; // nothing completed: neither breaks nor extends
      if (q.ok > 0) {
        start = null;
        continue;
      }
      start ??= s;
      if (s - start + 1 > longest) {
        longest = s - start + 1;
        longestAt = start;
      }
    }
    const failed = longest >= FAILING_STREAK_S;
    add({ rule: 'no_crash', name: 'no crash', status: failed ? 'fail' : 'pass',
      detail: longest === 0 ? 'no second in which every query failed'
        : `longest span in which every completed query failed: ${longest} s from ${iso(longestAt!)} (limit ${FAILING_STREAK_S} s)` });
  }

  // Minimum duration.
  {
    const short = timeline.phases.filter((p) => p.durationS < MIN_PHASE_S);
    const list = short.map((p) => `${p.name} ${p.durationS} s`).join(', ');
    if (short.length === 0) add({ rule: 'minimum_duration', name: 'minimum duration', status: 'pass', detail: `every phase lasts ≥ ${MIN_PHASE_S} s` });
    else if (plan.scaling.durationScale < 1) {
      add({ rule: 'minimum_duration', name: 'minimum duration', status: 'not_judged',
        detail: `scaled run (duration_scale ${plan.scaling.durationScale}): ${list} < ${MIN_PHASE_S} s — a warning; the run is not comparable` });
      warnings.push({ code: 'minimum_duration_scaled', message: `phases shorter than ${MIN_PHASE_S} s in a scaled run (duration_scale ${plan.scaling.durationScale}): ${list}; results are not comparable with full-length runs` });
    } else add({ rule: 'minimum_duration', name: 'minimum duration', status: 'fail', detail: `${list} < ${MIN_PHASE_S} s` });
  }

  // Clock accuracy.
  {
    const off: string[] = [];
    const unknown: string[] = [];
    timeline.phases.forEach((p, i) => {
      const m = x.timings[i]!.measuredS;
      if (m === null) {
        unknown.push(p.name);
        return;
      }
      if (Math.abs(m - p.durationS) > Math.max(0.05 * p.durationS, 1)) off.push(`${p.name} ${fmt(m, 3)} s vs ${p.durationS} s`);
    });
    const judged = timeline.phases.length - unknown.length;
    const tail = unknown.length > 0 ? `; not measured: ${unknown.join(', ')}` : '';
    add({ rule: 'clock_accuracy', name: 'clock accuracy', status: judged === 0 ? 'not_judged' : off.length > 0 ? 'fail' : 'pass',
      detail: judged === 0 ? 'no phase switch was reported'
        : off.length > 0 ? `measured duration off by more than 5 % or 1 s: ${off.join(', ')}${tail}`
          : `${judged} phase(s) within 5 % or 1 s of plan${tail}` });
  }

  // Worker completeness.
  {
    const problems: string[] = [];
    for (const w of agg.expected) {
      const c = agg.control.workers.get(w.id);
      if (!c?.hello) problems.push(`${w.id} never said hello`);
      else if (c.failed !== null) problems.push(`${w.id} failed: ${c.failed}`);
      else if (c.lostAt !== null) problems.push(`${w.id} was lost (silent for 10 s) at ${iso(c.lostAt / 1000)}`);
      else if (c.doneAt === null) problems.push(`${w.id} did not report done`);
    }
    add({ rule: 'worker_completeness', name: 'worker completeness', status: problems.length > 0 ? 'fail' : 'pass',
      detail: problems.length > 0 ? problems.join('; ') : `all ${agg.expected.length} workers said hello and finished` });
  }

  // Kafka healthy.
  if (!x.ingesting) add({ rule: 'kafka_healthy', name: 'Kafka healthy', status: 'not_applicable', detail: 'query-only scenario' });
  else {
    const failed: boolean[] = [];
    for (let s = timeline.startS; s < timeline.endS; s++) {
      const i = agg.bucket(s)?.ingest;
      failed.push(!!i && i.due > 0 && i.acked === 0);
    }
    const total = failed.filter(Boolean).length;
    const longest = longestStreak(failed).length;
    add({ rule: 'kafka_healthy', name: 'Kafka healthy', status: longest >= FAILING_STREAK_S ? 'fail' : 'pass',
      detail: `${total} Kafka-failed second(s), longest streak ${longest} s (limit ${FAILING_STREAK_S})` });
  }

  // Aborted.
  const abort = agg.control.abort;
  add({ rule: 'not_aborted', name: 'not aborted', status: abort ? 'fail' : 'pass',
    detail: abort ? `${abort.fatal ? 'failed' : 'aborted'} (${abort.from}): ${abort.reason}` : 'the run was not aborted' });

  // Scenario rules.
  for (const r of x.rules) {
    add({ rule: 'scenario_rule', name: r.name, status: r.passed ? 'pass' : 'fail',
      detail: `${r.condition}: ${describeMetrics(r)}${r.reason ? ` (${r.reason})` : ''}` });
  }

  const violations: Violation[] = checks.filter((c) => c.status === 'fail').map((c) => ({
    rule: c.rule, name: c.name,
    message: c.rule === 'scenario_rule' ? `${x.rules.find((r) => r.name === c.name)?.message ?? c.name} (${c.detail})` : c.detail,
  }));

  warnings.push(...advisories(x));
  return { checks, violations, warnings, valid: violations.length === 0, comparable: plan.scaling.durationScale >= 1 };
}

function advisories(x: ValidityInputs): Warning[] {
  const { agg, timeline, plan } = x;
  const out: Warning[] = [];
  if (x.ingesting) {
    for (const p of timeline.phases.filter((q) => q.name === 'ingestion_surge' || q.name === 'overlap')) {
      const acked = ingestStats(agg, Timeline.secondsOf(p)).acked;
      if (p.events > 0 && acked < 0.5 * p.events) {
        out.push({ code: 'ingest_below_target', message: `ingest in ${p.name} reached ${pct(acked, p.events)} of target (${acked} of ${p.events} events)` });
      }
    }
  }
  const O = timeline.byRole('overlap');
  if (O && O.arrivals > 0) {
    const started = x.derived.phaseQuery.get(O.name)!.started;
    if (started < 0.5 * O.arrivals) out.push({ code: 'qps_below_target', message: `queries started in ${O.name} reached ${pct(started, O.arrivals)} of target (${started} of ${O.arrivals})` });
  }
  for (const p of timeline.phases) {
    if (p.role === 'warmup') continue;
    const q = x.derived.phaseQuery.get(p.name)!;
    const r = errorRate(q);
    if (r !== null && r > 0.1) out.push({ code: 'error_rate_high', message: `query error rate ${fmt(100 * r)} % in ${p.name} (errors ${q.errors}, timeouts ${q.timeouts}, dropped ${q.dropped})` });
  }
  for (const s of x.saturation.filter((w) => w.saturated)) {
    const reasons = [...s.reasons].map(([k, v]) => `${k} ${v} s`).join(', ');
    out.push({ code: 'harness_saturated', message: `worker ${s.worker} was saturated for ${s.longest} consecutive seconds (${reasons}); the harness, not the target, may limit the results` });
  }
  const skew = x.derived.metrics['harness.phase_skew_ms'] ?? null;
  if (skew !== null && skew > 1000) out.push({ code: 'phase_skew', message: `workers switched phase up to ${fmt(skew / 1000, 2)} s apart` });
  for (const [id, w] of agg.control.workers) {
    if (w.clockOffsetMs !== null && Math.abs(w.clockOffsetMs) > 1000) {
      out.push({ code: 'clock_offset', message: `worker ${id}'s clock is ${fmt(w.clockOffsetMs / 1000, 2)} s off the coordinator's` });
    }
  }
  if (agg.counters.lateSnapshots > 0) out.push({ code: 'late_snapshots', message: `${agg.counters.lateSnapshots} snapshot(s) arrived after their second closed (merged into the report; live points missed them)` });
  if (x.freshness.censored > 0) out.push({ code: 'censored_freshness', message: `${x.freshness.censored} freshness sentinel(s) were not searchable within 60 s` });
  const names = { phases: plan.phases.map((p) => p.name), groups: plan.scenario.queryGroups.map((g) => g.name) };
  for (const e of plan.scenario.report.emphasis) {
    const r = resolveEmphasis(e, names);
    if (!r.ok) out.push({ code: 'unknown_emphasis', message: `report.emphasis: ${r.message}` });
  }
  if (agg.counters.malformedRecords > 0) out.push({ code: 'malformed_records', message: `${agg.counters.malformedRecords} record(s) could not be read; first: ${agg.counters.firstMalformed}` });
  if (x.ingesting && agg.lag.length === 0) out.push({ code: 'no_lag_readings', message: 'no consumer-lag reading was recorded: lag, consumed EPS and backlog metrics have no value' });
  return out;
}

function describeMetrics(r: RuleResult): string {
  return Object.entries(r.metrics).map(([k, v]) => `${k} = ${v.normalised === null ? 'no value' : round(v.normalised)}${v.raw !== v.normalised && v.raw !== null ? ` (raw ${round(v.raw)})` : ''}`).join(', ');
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

function iso(unixS: number): string {
  return new Date(unixS * 1000).toISOString();
}
