// A realistic hand-built run.json (six 30 s phases of the smoke shape) for report, compare and schema tests
// that need a complete document without running anything. Must not be used as a golden answer of the analysis.

import { TIMESERIES_COLUMNS, type PhaseJson, type RunJson, type TimeseriesRow } from '../../src/report/run-json-types.js';

const T0_S = 1_795_571_100;
const PHASES = [
  { name: 'baseline', role: 'baseline', eps: 200, qps: 1 },
  { name: 'incident_trigger', role: null, eps: 600, qps: 1 },
  { name: 'ingestion_surge', role: null, eps: 2000, qps: 1 },
  { name: 'overlap', role: 'overlap', eps: 2000, qps: 10 },
  { name: 'recovery', role: 'recovery', eps: 200, qps: 1 },
  { name: 'post_incident', role: null, eps: 200, qps: 1 },
] as const;

export interface SampleOptions {
  /** Multiplies every latency (a slower contender in compare tests). */
  latencyFactor?: number;
  runName?: string;
  scenarioVersion?: string;
  valid?: boolean;
  /** A user string with HTML in it, to test escaping. */
  hostileTitle?: string;
  /**
   * A session-mode run (SPEC §7.5): the queries get categories, `categories` and `session` are filled (a hostile
   * category name included). Without it `categories` is {} and `session` null.
   */
  session?: boolean;
}

/** The session-mode members of the sample: categories of the two queries and the page latency per phase. */
function sessionParts(f: number): Pick<RunJson, 'categories' | 'session'> {
  const phases: NonNullable<RunJson['session']>['phases'] = {};
  PHASES.forEach((p, i) => {
    const users = p.name === 'overlap' ? 8 : 2;
    phases[p.name] = { users, ticks: i === 5 ? 0 : users * 12, page_p50_ms: i === 5 ? null : (p.name === 'overlap' ? 640 : 95) * f,
      page_p99_ms: i === 5 ? null : (p.name === 'overlap' ? 2100 : 180) * f };
  });
  return {
    categories: {
      alert_view: { ok: 299, errors: 1, p50_ms: 40 * f, p99_ms: 700 * f },
      '<b>widgets</b>': { ok: 20, errors: 0, p50_ms: 30, p99_ms: 90 },
    },
    session: { think_time_ms: 2000, ticks: 192, page_p50_ms: 110 * f, page_p99_ms: 1900 * f, page_max_ms: 2600 * f, phases },
  };
}

export function sampleRunJson(o: SampleOptions = {}): RunJson {
  const f = o.latencyFactor ?? 1;
  const points: TimeseriesRow[] = [];
  const phases: PhaseJson[] = [];
  let lag = 0;
  PHASES.forEach((p, i) => {
    for (let s = 0; s < 30; s++) {
      const second = T0_S + i * 30 + s;
      const p99 = (p.name === 'overlap' ? 900 : 120) * f + s;
      lag = Math.max(0, lag + (p.eps > 1000 ? 600 : -400));
      points.push([second, p.name, p.eps, p.eps - (s % 3), p.eps > 1000 ? p.eps - 600 : p.eps + 100, lag, p.qps, p.qps,
        p.qps, 0, 0, 0, p99 / 3, p99 / 1.5, p99, p99 * 1.2, 4500 + s * 10, 2, 0]);
    }
    phases.push({
      name: p.name, display_name: p.name.replace('_', ' '), role: p.role, start_second: T0_S + i * 30, duration_s: 30,
      measured_duration_s: 30.004, skew_ms: 3,
      ingest: { target: p.eps * 30, acked: p.eps * 30 - 10, failed: 0, missed: 10, target_eps: p.eps, acked_eps: p.eps - 0.3,
        consumed_eps: p.eps > 1000 ? p.eps - 600 : p.eps + 100, peak_lag: 12_000, error_classes: {} },
      query: { target: p.qps * 30, started: p.qps * 30, ok: p.qps * 30 - 1, errors: 1, timeouts: 0, dropped: 0,
        p50_ms: 40 * f, p95_ms: 90 * f, p99_ms: (p.name === 'overlap' ? 900 : 120) * f, max_ms: 1500 * f,
        error_rate: 1 / (p.qps * 30), error_classes: { http_5xx: 1 },
        distribution: [50, 75, 90, 95, 99, 99.9, 99.99, 100].map((q) => ({ p: q, ms: q * 2 * f })) },
    });
  });
  const ratio = 900 / 120;
  return {
    schema_version: 1,
    incidentbench_version: '0.1.0',
    generated_at: '2026-11-27T10:00:00.000Z',
    scenario: { name: 'smoke', version: o.scenarioVersion ?? '1.0.0', display_name: 'Smoke', title: o.hostileTitle ?? null },
    target: { adapter: 'clickhouse', config_hash: 'ab12cd34' },
    harness: {
      workers: { ingest: 1, ingest_threads: 2, query: 1 },
      kafka: { bootstrap_servers: ['127.0.0.1:9092'], topics: { logs: 'ib.smoke.events' }, partitions: 4 },
      scaling: { rate_scale: 1, duration_scale: 1 }, plan_hash: 'f00d',
    },
    run: {
      name: o.runName ?? 'local-20261127-100000', id: 'r-1', started_at: new Date(T0_S * 1000).toISOString(),
      ended_at: new Date((T0_S + 200) * 1000).toISOString(), valid: o.valid ?? true, comparable: true,
      validity_violations: o.valid === false ? [{ rule: 'kafka_healthy', name: 'Kafka healthy', message: '31 consecutive Kafka-failed seconds' }] : [],
      warnings: [{ code: 'late_snapshots', message: '2 snapshots arrived after their second closed' }],
      harness_saturated: false, saturated_workers: [], aborted: null, exit_code: o.valid === false ? 2 : 0,
    },
    thresholds: [{ condition: 'p99_degradation_ratio < 10', value: ratio * 1, passed: true, metrics: { 'query.p99_ratio': { raw: ratio, normalised: ratio } } }],
    rules: [{ name: 'baseline_fast', condition: 'query.baseline_p99 < 5000', message: 'baseline too slow', passed: true,
      metrics: { 'query.baseline_p99': { raw: 120 * f, normalised: 120 * f } } }],
    validity: [
      { rule: 'baseline_stability', name: 'baseline stability', status: 'pass', detail: 'largest window p99 130 ms ≤ 2 × median 121 ms' },
      { rule: 'kafka_healthy', name: 'Kafka healthy', status: o.valid === false ? 'fail' : 'pass', detail: 'longest Kafka-failed streak 0 s' },
    ],
    scorecard: {
      baseline_p99_ms: 120 * f, overlap_p99_ms: 900 * f, p99_degradation_ratio: ratio, query_error_rate_overlap: 0.0033,
      peak_backlog: 12_000, backlog_drain_time_s: 41, recovery_time_s: 7, time_to_searchable_p99_ms: 5200 * f,
    },
    scorecard_order: ['baseline_p99_ms', 'overlap_p99_ms', 'p99_degradation_ratio', 'query_error_rate_overlap', 'peak_backlog',
      'backlog_drain_time_s', 'recovery_time_s', 'time_to_searchable_p99_ms'],
    derived: { 'query.baseline_p99': 120 * f, 'query.overlap_p99': 900 * f, 'query.p99_ratio': ratio, 'isolation.ingest_impact_on_query': null },
    streams: { logs: { index: 'logs', topic: 'ib.smoke.events', target: 162_000, acked: 161_940, consumed: 161_940, peak_backlog: 12_000,
      time_to_searchable_p99_ms: 5200 * f } },
    phases,
    queries: {
      error_search: { started: 300, ok: 299, errors: 1, timeouts: 0, dropped: 0, p50_ms: 40 * f, p99_ms: 700 * f, with_hits_share: 0.97,
        category: o.session ? 'alert_view' : null },
      '<script>alert(1)</script>': { started: 20, ok: 20, errors: 0, timeouts: 0, dropped: 0, p50_ms: 30, p99_ms: 90, with_hits_share: 1,
        category: o.session ? '<b>widgets</b>' : null },
    },
    ...(o.session ? sessionParts(f) : { categories: {}, session: null }),
    query_groups: { default: { workers: 1, target: 420, started: 420, ok: 414, errors: 6, timeouts: 0, dropped: 0,
      baseline_p99_ms: 120 * f, overlap_p99_ms: 900 * f, p99_ratio: ratio, error_rate_overlap: 0.0033 } },
    workers: {
      'ingest-0': { role: 'ingest', group: null, host: 'laptop', threads: 2, clock_offset_ms: 1.5, cpu_max_pct: 61, rss_max_mb: 180,
        saturated_s: 0, said_hello: true, done: true, lost: false, failed: null,
        ingest: { target: 162_000, acked: 161_940, failed: 0, missed: 60, achieved_ratio: 0.9996 } },
      'query-0': { role: 'query', group: 'default', host: 'laptop', threads: 1, clock_offset_ms: 1.1, cpu_max_pct: 12, rss_max_mb: 90,
        saturated_s: 0, said_hello: true, done: true, lost: false, failed: null,
        query: { target: 420, started: 420, ok: 414, errors: 6, timeouts: 0, dropped: 0, achieved_ratio: 1 } },
    },
    freshness: { enabled: true, censor_after_ms: 60_000, found: 170, censored: 2, p50_ms: 4600 * f, p99_ms: 5200 * f, max_ms: 9700 * f,
      from_schedule: { p50_ms: 4700 * f, p99_ms: 5300 * f, max_ms: 9800 * f },
      phases: { baseline: { found: 30, censored: 0, p50_ms: 4600, p99_ms: 5000, max_ms: 5100, from_schedule: { p50_ms: 4700, p99_ms: 5100, max_ms: 5200 } } },
      streams: {} },
    data_quality: { late_snapshots: 2, late_entries: 130, malformed_records: 0, clamped_values: 0, foreign_snapshots: 0, outside_timeline: 0 },
    timeseries: { resolution_s: 1, columns: [...TIMESERIES_COLUMNS], points },
  };
}
