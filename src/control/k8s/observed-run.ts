// What the operator knows about one IncidentBenchRun when it decides (SPEC §15.2): the run itself, its planning
// result, its child Jobs and pods, and what its live topic has shown. Types only; must not do I/O nor decide.

import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import type { RunPlan } from '../../scenario/plan-types.js';
import type { LivePoint, RunState, RunSummary } from '../../stream-agg/live-types.js';
import type { Component, IncidentBenchRun } from './run-resource.js';

/** The child objects the operator creates for a plan (built by run-objects.ts; decide only passes them on). */
export interface PlannedObjects {
  planConfigMap: V1ConfigMap;
  coordinatorJob: V1Job;
  ingestJob: V1Job | null;
  queryJobs: V1Job[];
  cleanupJob: V1Job;
}

/**
 * The planning result of the run's current spec (Pending) or of its plan ConfigMap (later phases).
 * - ok: the plan and the objects to create;
 * - invalid: the validation lines, exactly as the CLI prints them;
 * - waiting: something the spec names does not exist yet (a scenarioRef ConfigMap) — retried, not a failure;
 * - missing: after Pending, the plan ConfigMap is gone (or unreadable) — `reason` says why.
 */
export type Planning =
  | { kind: 'ok'; plan: RunPlan; planHash: string; objects: PlannedObjects }
  | { kind: 'invalid'; problems: string[] }
  | { kind: 'waiting'; message: string }
  | { kind: 'missing'; reason: string };

/** A child Job as the operator sees it. */
export interface ObservedJob {
  name: string;
  component: Component;
  active: number;
  succeeded: number;
  failed: number;
  /** Condition Complete=True. */
  complete: boolean;
  /** Condition Failed=True, with its reason and message. */
  failedCondition: { reason: string; message: string } | null;
  /** Unix ms the Job finished (completionTime, or the Failed condition's time); null while it runs. */
  finishedAtMs: number | null;
  /** Unix ms the Job was created. */
  createdAtMs: number;
  /** deletionTimestamp is set: the Job is going away. */
  deleting: boolean;
}

/** A pod of the run (label incidentbench.io/run). */
export interface ObservedPod {
  name: string;
  /** The Job the pod belongs to (label job-name), or null. */
  jobName: string | null;
  /** Pod phase: Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  /**
   * A container waiting with a reason (CrashLoopBackOff, ImagePullBackOff, ErrImagePull, CreateContainerConfigError,
   * ContainerCreating, …), and since when (unix ms): the last termination for CrashLoopBackOff, otherwise the pod's
   * start (Kubernetes does not record when a container began to wait).
   */
  waiting: { container: string; reason: string; message: string; sinceMs: number } | null;
  /** A container that terminated, with its exit code and termination message (the last log lines on error). */
  terminated: { container: string; exitCode: number; reason: string; message: string } | null;
}

/** What the live topic `ib.<run>.live` has shown so far (re-read from its beginning after a restart). */
export interface ObservedLive {
  /** The operator is reading the topic. */
  following: boolean;
  state: RunState | null;
  point: LivePoint | null;
  summary: RunSummary | null;
  /** The reader cannot reach Kafka: the error and since when (unix ms). */
  kafkaError: { message: string; sinceMs: number } | null;
  /** Rebuilding the report failed (kept by the I/O layer for the run): the one-line reason. */
  reportError: string | null;
}

/** The report ConfigMap `R-report`, when it exists. */
export interface ObservedReport {
  name: string;
  /** report.html.gz is in it (false: it was above the ConfigMap budget). */
  hasHtml: boolean;
  /** Size of report.html gzip-compressed (what counts against the 900 KiB budget), bytes; null when unknown. */
  htmlBytes: number | null;
}

export interface ObservedRun {
  run: IncidentBenchRun;
  /** Computed while the run is Pending (see needsPlanning) and from the plan ConfigMap afterwards; null = not computed. */
  planning: Planning | null;
  /** The plan ConfigMap `R-plan` exists. */
  planConfigMapExists: boolean;
  jobs: ObservedJob[];
  pods: ObservedPod[];
  report: ObservedReport | null;
  live: ObservedLive;
}

export const NO_LIVE: ObservedLive = {
  following: false, state: null, point: null, summary: null, kafkaError: null, reportError: null,
};
