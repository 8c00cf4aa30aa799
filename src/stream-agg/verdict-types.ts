// The verdict of a run (SPEC §11, §12): scorecard, validity rules with their outcome, warnings, scenario rules,
// thresholds and harness saturation, as they appear in run.json and the live RunSummary. Types only.

import type { ScorecardKey } from '../scenario/metric-names.js';

/** The primary scorecard (SPEC §11), in SCORECARD_KEYS order; null = could not be computed. */
export type Scorecard = Record<ScorecardKey, number | null>;

/** Stable codes of the mandatory rules of SPEC §12.1 (+ `aborted` for an interrupted run, `scenario_rule`). */
export type ValidityRuleCode =
  | 'baseline_stability'
  | 'ingest_target_at_baseline'
  | 'query_target_at_baseline'
  | 'no_crash'
  | 'minimum_duration'
  | 'clock_accuracy'
  | 'worker_completeness'
  | 'kafka_healthy'
  | 'not_aborted'
  | 'scenario_rule';

/** One rule's outcome; every rule of §12.1 appears once (and each scenario rule), judged or not. */
export interface ValidityCheck {
  rule: ValidityRuleCode;
  /** Human name: "baseline stability", or the scenario rule's name. */
  name: string;
  /** pass; fail (a violation); not_judged (not enough data — says why); not_applicable (e.g. ingest rules in a query-only run). */
  status: 'pass' | 'fail' | 'not_judged' | 'not_applicable';
  /** One line: the measured figures and the condition, e.g. "acked 44 100 of 45 000 target events (98.0 % ≥ 90 %)". */
  detail: string;
}

/** A failed check as listed in `run.validity_violations`. */
export interface Violation {
  rule: ValidityRuleCode;
  name: string;
  message: string;
}

/** Stable codes of the advisory warnings of SPEC §12.2 (and a few of ours). */
export type WarningCode =
  | 'ingest_below_target'
  | 'qps_below_target'
  | 'error_rate_high'
  | 'harness_saturated'
  | 'phase_skew'
  | 'clock_offset'
  | 'late_snapshots'
  | 'censored_freshness'
  | 'unknown_emphasis'
  | 'baseline_stability_not_judged'
  | 'minimum_duration_scaled'
  | 'malformed_records'
  | 'clamped_values'
  | 'no_lag_readings';

export interface Warning {
  code: WarningCode;
  message: string;
}

/** A metric a rule or threshold read: its raw value and the value the rule compared (SPEC §11 "Scaled runs"). */
export interface RuleMetricValue {
  raw: number | null;
  normalised: number | null;
}

/** A scenario rule (SPEC §12.3); a false rule is a violation with its message. */
export interface RuleResult {
  name: string;
  condition: string;
  message: string;
  passed: boolean;
  /** Canonical dotted metric → values; a null metric made its comparison false. */
  metrics: Record<string, RuleMetricValue>;
  /** Set when a metric had no value: "query.overlap_p99 had no value". */
  reason?: string;
}

/** A threshold (SPEC §12.4): `run.json` lists `{ condition, value, passed }`. */
export interface ThresholdResult {
  condition: string;
  /** The normalised value of the metric when the condition reads exactly one metric; otherwise null (see metrics). */
  value: number | null;
  passed: boolean;
  metrics: Record<string, RuleMetricValue>;
  reason?: string;
}

/** A worker with ≥ 10 consecutive saturated seconds (SPEC §10.4). */
export interface SaturatedWorker {
  worker: string;
  /** Every saturated second (unix s), ascending. */
  seconds: number[];
  /** The longest run of consecutive saturated seconds. */
  longest_run_s: number;
  /** Reason → number of saturated seconds it applied to: missed_events, dropped_arrivals, schedule_lag, timer_lateness, cpu. */
  reasons: Record<string, number>;
}

/** Exit codes of SPEC §14. */
export const EXIT = { ok: 0, failed: 1, invalid: 2, thresholds: 3, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
