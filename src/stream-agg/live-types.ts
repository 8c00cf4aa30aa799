// Messages of the live topic (SPEC §10.3): RunState on every stage change, a LivePoint per closed second, and the
// final RunSummary. Types and a validating parser; must not compute any of the values.

import type { RuleResult, Scorecard, ThresholdResult, Violation, Warning } from './verdict-types.js';

interface LiveEnvelope<K extends string> {
  v: 1;
  kind: K;
  run: string;
  runId: string;
  /** Coordinator's unix ms when sent. */
  at: number;
}

export type RunStage = 'preparing' | 'waiting' | 'running' | 'draining' | 'reporting' | 'done' | 'failed';
export const RUN_STAGES: readonly RunStage[] = ['preparing', 'waiting', 'running', 'draining', 'reporting', 'done', 'failed'];

export interface RunState extends LiveEnvelope<'state'> {
  stage: RunStage;
  ready: { ingest: number; query: number };
  expected: { ingest: number; query: number };
  /** Why the run failed, or what it waits for. */
  reason?: string;
  /** Unix ms of the first second (after START). */
  t0?: number;
  /** Planned timeline length, s. */
  durationS?: number;
}

export interface LivePoint extends LiveEnvelope<'point'> {
  /** The closed due second (unix s). */
  second: number;
  /** Seconds since t0 (0 = first second of the timeline; > durationS during the drain). */
  elapsedS: number;
  durationS: number;
  /** Phase name from the plan, or "drain" after the timeline. */
  phase: string;
  targetEps: number;
  ackedEps: number;
  /** null when no lag reading covered this second. */
  consumedEps: number | null;
  targetQps: number;
  startedQps: number;
  completedQps: number;
  /** Latency of ok queries due in this second, ms; null without completed queries. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** (errors + timeouts + dropped) / (started + dropped); null when nothing started or dropped. */
  errorRate: number | null;
  /** Σ streams; null without a reading. */
  lag: number | null;
  /** p99 of sentinels found in the last 30 s, ms; null when none. */
  freshnessP99Ms: number | null;
  activeWorkers: number;
  saturatedWorkers: number;
  /** SPEC §11 recovery condition holds from this second on (during R and later); null before R or without a baseline. */
  recovered: boolean | null;
  /** Some worker has ≥ 10 consecutive saturated seconds up to here. */
  saturated: boolean;
}

export interface RunSummary extends LiveEnvelope<'summary'> {
  valid: boolean;
  comparable: boolean;
  exitCode: number;
  scorecard: Scorecard;
  violations: Violation[];
  warnings: Warning[];
  thresholds: ThresholdResult[];
  rules: RuleResult[];
  /** Where run.json / report.html were written (a path on the coordinator's machine), or null. */
  reportDir: string | null;
}

export type LiveMessage = RunState | LivePoint | RunSummary;

/** Validates a decoded live-topic record; unknown keys are ignored, unknown kinds are reported. */
export function parseLiveMessage(value: unknown): { ok: true; message: LiveMessage } | { ok: false; reason: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const m = value as Record<string, unknown>;
  if (m.v !== 1) return { ok: false, reason: `unsupported version ${JSON.stringify(m.v)} (expected 1)` };
  for (const k of ['run', 'runId'] as const) {
    if (typeof m[k] !== 'string') return { ok: false, reason: `"${k}" must be a string` };
  }
  if (typeof m.at !== 'number') return { ok: false, reason: '"at" must be a number' };
  switch (m.kind) {
    case 'state':
      if (typeof m.stage !== 'string' || !RUN_STAGES.includes(m.stage as RunStage)) {
        return { ok: false, reason: `state: unknown stage ${JSON.stringify(m.stage)}` };
      }
      if (!isPair(m.ready) || !isPair(m.expected)) return { ok: false, reason: 'state: "ready" and "expected" must be { ingest, query } counts' };
      return { ok: true, message: m as unknown as RunState };
    case 'point':
      for (const k of ['second', 'elapsedS', 'durationS', 'targetEps', 'ackedEps', 'targetQps', 'startedQps', 'completedQps', 'activeWorkers', 'saturatedWorkers'] as const) {
        if (typeof m[k] !== 'number') return { ok: false, reason: `point: "${k}" must be a number` };
      }
      if (typeof m.phase !== 'string') return { ok: false, reason: 'point: "phase" must be a string' };
      return { ok: true, message: m as unknown as LivePoint };
    case 'summary':
      if (typeof m.valid !== 'boolean' || typeof m.exitCode !== 'number' || m.scorecard === null || typeof m.scorecard !== 'object') {
        return { ok: false, reason: 'summary: "valid", "exitCode" and "scorecard" are required' };
      }
      return { ok: true, message: m as unknown as RunSummary };
    default:
      return { ok: false, reason: `unknown kind ${JSON.stringify(m.kind)} (expected state, point or summary)` };
  }
}

function isPair(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.ingest === 'number' && typeof o.query === 'number';
}
