// Builders of live-topic messages (SPEC §10.3) for the tests of `incidentbench metrics` and its TUI.
// Must not be used outside tests.

import type { LivePoint, RunState, RunSummary } from '../../src/stream-agg/live-types.js';

export const LIVE_T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export function liveState(run: string, over: Partial<RunState> = {}): RunState {
  return { v: 1, kind: 'state', run, runId: 'rid-1', at: LIVE_T0 - 5_000, stage: 'running',
    ready: { ingest: 3, query: 2 }, expected: { ingest: 3, query: 2 }, t0: LIVE_T0, durationS: 180, ...over };
}

/** The point of elapsed second `elapsedS` (0-based) of a 180 s timeline, with round figures. */
export function livePoint(run: string, elapsedS: number, over: Partial<LivePoint> = {}): LivePoint {
  return {
    v: 1, kind: 'point', run, runId: 'rid-1', at: LIVE_T0 + (elapsedS + 1) * 1000 + 100,
    second: LIVE_T0 / 1000 + elapsedS, elapsedS, durationS: 180, phase: 'overlap',
    targetEps: 2000, ackedEps: 1998, consumedEps: 1450, targetQps: 10, startedQps: 10, completedQps: 9.8,
    p50Ms: 41, p95Ms: 300, p99Ms: 870, maxMs: 1200, errorRate: 0.003, lag: 12_340, freshnessP99Ms: 5200,
    activeWorkers: 2, saturatedWorkers: 0, recovered: null, saturated: false, ...over,
  };
}

export function liveSummary(run: string, over: Partial<RunSummary> = {}): RunSummary {
  return {
    v: 1, kind: 'summary', run, runId: 'rid-1', at: LIVE_T0 + 200_000, valid: true, comparable: true, exitCode: 0,
    scorecard: {
      baseline_p99_ms: 41, overlap_p99_ms: 870, p99_degradation_ratio: 21.22, query_error_rate_overlap: 0.003,
      peak_backlog: 12_340, backlog_drain_time_s: 35, recovery_time_s: null, time_to_searchable_p99_ms: 5200,
    },
    violations: [], warnings: [], thresholds: [], rules: [], reportDir: '/tmp/results/run-1', ...over,
  };
}
