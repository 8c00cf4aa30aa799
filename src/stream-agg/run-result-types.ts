// The shape of a run's result as run.json holds it (SPEC §13): the top level the spec fixes, plus the sections the
// HTML report and compare need. snake_case keys as the spec writes them; null = no value. Types only.

import type { ScorecardKey } from '../scenario/metric-names.js';
import type {
  RuleResult, SaturatedWorker, Scorecard, ThresholdResult, ValidityCheck, Violation, Warning,
} from './verdict-types.js';

export const RUN_JSON_SCHEMA_VERSION = 1;

/** Columns of `timeseries` and `timeseries.csv`, in order (SPEC §13). */
export const TIMESERIES_COLUMNS = [
  'second', 'phase', 'target_eps', 'acked_eps', 'consumed_eps', 'lag', 'target_qps', 'started_qps', 'completed_qps',
  'errors', 'timeouts', 'dropped', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'freshness_p99_ms', 'active_workers',
  'saturated_workers',
] as const;
export type TimeseriesColumn = (typeof TIMESERIES_COLUMNS)[number];
/** One row: `second` unix s, `phase` a name ("drain" after the timeline), the rest numbers or null (no value). */
export type TimeseriesRow = [number, string, ...(number | null)[]];

export interface PhaseIngestJson {
  target: number;
  acked: number;
  failed: number;
  missed: number;
  target_eps: number;
  acked_eps: number;
  consumed_eps: number | null;
  peak_lag: number | null;
  error_classes: Record<string, number>;
}

/** Latency at fixed percentiles, for the distribution chart. */
export interface PercentilePoint {
  p: number;
  ms: number;
}

/** Query counters against their target (arrivals), shared by phases, groups and workers. */
export interface QueryCountsJson {
  target: number;
  started: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
}

export interface PhaseQueryJson extends QueryCountsJson {
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  error_rate: number | null;
  error_classes: Record<string, number>;
  /** p = 50, 75, 90, 95, 99, 99.9, 99.99, 100; empty when no query completed. */
  distribution: PercentilePoint[];
}

export interface PhaseJson {
  name: string;
  display_name: string;
  /** The scorecard role this phase plays, or null. */
  role: 'baseline' | 'overlap' | 'recovery' | 'warmup' | null;
  /** Unix s of the phase's first second (t0 + offset). */
  start_second: number;
  duration_s: number;
  /** First worker switch into this phase → first switch into the next (coordinator's clock), s; null when unknown. */
  measured_duration_s: number | null;
  /** Largest difference between workers' switch times into this phase, ms; null with < 2 switches. */
  skew_ms: number | null;
  /** Absent in query-only runs. */
  ingest: PhaseIngestJson | null;
  query: PhaseQueryJson;
}

export interface QueryJson {
  started: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  p50_ms: number | null;
  p99_ms: number | null;
  /** ok queries that returned at least one hit ÷ ok; null when none ok. */
  with_hits_share: number | null;
  category: string | null;
}

export interface CategoryJson {
  ok: number;
  /** Queries of the category that did not succeed: errors and timeouts (the per-category counters do not split them). */
  errors: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

/** Page latency of one (non-warm-up) phase of a session-mode run. */
export interface SessionPhaseJson {
  /** Concurrent simulated users the plan gives the phase, summed over query workers and groups. */
  users: number;
  /** Ticks that started in the phase and finished. */
  ticks: number;
  page_p50_ms: number | null;
  page_p99_ms: number | null;
}

/**
 * Session mode (SPEC §7.5): page latency = a tick's duration, from its start (every category's queries fired at
 * once) to the finish of the last of them, think time excluded. Counted by the second the tick started, warm-up
 * seconds excluded.
 */
export interface SessionJson {
  think_time_ms: number;
  ticks: number;
  page_p50_ms: number | null;
  page_p99_ms: number | null;
  page_max_ms: number | null;
  /** Non-warm-up phases by name, in timeline order. */
  phases: Record<string, SessionPhaseJson>;
}

export interface QueryGroupJson extends QueryCountsJson {
  workers: number;
  baseline_p99_ms: number | null;
  overlap_p99_ms: number | null;
  p99_ratio: number | null;
  error_rate_overlap: number | null;
}

export interface WorkerJson {
  role: 'ingest' | 'query';
  group: string | null;
  host: string | null;
  threads: number | null;
  clock_offset_ms: number | null;
  cpu_max_pct: number | null;
  rss_max_mb: number | null;
  saturated_s: number;
  said_hello: boolean;
  done: boolean;
  lost: boolean;
  failed: string | null;
  ingest?: { target: number; acked: number; failed: number; missed: number; achieved_ratio: number | null };
  query?: QueryCountsJson & { achieved_ratio: number | null };
}

export interface FreshnessStatsJson {
  found: number;
  censored: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  /** Same, measured from the sentinels' scheduled time instead of their ack time. */
  from_schedule: { p50_ms: number | null; p99_ms: number | null; max_ms: number | null };
}

export interface FreshnessJson extends FreshnessStatsJson {
  enabled: boolean;
  /** Censoring limit, ms (60 000). */
  censor_after_ms: number;
  phases: Record<string, FreshnessStatsJson>;
  streams: Record<string, FreshnessStatsJson>;
}

export interface StreamJson {
  index: string;
  topic: string;
  target: number;
  acked: number;
  /** Events the target consumed (Σ Δ committed over the run and drain); null without lag readings. */
  consumed: number | null;
  peak_backlog: number | null;
  time_to_searchable_p99_ms: number | null;
}

export interface DataQualityJson {
  /** Whole snapshots whose second was already closed when they arrived (merged anyway). */
  late_snapshots: number;
  /** `late` entries merged into earlier seconds (the normal path). */
  late_entries: number;
  /** Records that could not be read (listed in warnings with the first reason). */
  malformed_records: number;
  /** Latency values outside 1 µs – 1 h, recorded at the bound. */
  clamped_values: number;
  /** Snapshots of workers the plan does not have, or of another run id (not merged). */
  foreign_snapshots: number;
  /** Snapshots outside the timeline (before t0 or after its end), merged into no phase. */
  outside_timeline: number;
}

export interface RunJson {
  schema_version: 1;
  incidentbench_version: string;
  /** ISO-8601; the only field allowed to differ between two renderings of the same records. */
  generated_at: string;
  scenario: { name: string; version: string; display_name: string; title: string | null };
  target: { adapter: string | null; config_hash: string | null };
  harness: {
    workers: { ingest: number; ingest_threads: number; query: number };
    kafka: { bootstrap_servers: string[]; topics: Record<string, string>; partitions: number | null };
    scaling: { rate_scale: number; duration_scale: number };
    plan_hash: string;
  };
  run: {
    name: string;
    id: string;
    /** ISO-8601 of t0; null when the run never started. */
    started_at: string | null;
    ended_at: string | null;
    valid: boolean;
    comparable: boolean;
    validity_violations: Violation[];
    warnings: Warning[];
    harness_saturated: boolean;
    saturated_workers: SaturatedWorker[];
    /** Set when the run was aborted (Ctrl-C, abort message): the reason. */
    aborted: string | null;
    exit_code: number;
  };
  thresholds: ThresholdResult[];
  rules: RuleResult[];
  /** Every rule of SPEC §12.1 and each scenario rule, with its outcome. */
  validity: ValidityCheck[];
  scorecard: Scorecard;
  /** Scorecard keys in display order, emphasised ones (report.emphasis) first. */
  scorecard_order: ScorecardKey[];
  derived: Record<string, number | null>;
  streams: Record<string, StreamJson>;
  phases: PhaseJson[];
  queries: Record<string, QueryJson>;
  categories: Record<string, CategoryJson>;
  /** null when the run is not in session mode. */
  session: SessionJson | null;
  query_groups: Record<string, QueryGroupJson>;
  workers: Record<string, WorkerJson>;
  freshness: FreshnessJson;
  data_quality: DataQualityJson;
  timeseries: { resolution_s: 1; columns: TimeseriesColumn[]; points: TimeseriesRow[] };
}
