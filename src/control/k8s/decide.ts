// The operator's decision function (SPEC §15.2): from everything observed about one IncidentBenchRun, the actions
// that move it along its lifecycle. Pure and restart-safe — it must not do I/O, read the clock, or remember anything.
//
//   Pending → Preparing → Initializing → Running → Aggregating → Reporting → Completed, and → Failed from any of them.
// Every arrow is below; deletion is in decide-deletion.ts.

import { canonicalJson } from '../../core/canonical-json.js';
import type { LivePoint, RunStage, RunSummary } from '../../stream-agg/live-types.js';
import type { RunPlan } from '../../scenario/plan-types.js';
import type { Decision } from './decision.js';
import { DecisionBuilder } from './decision-builder.js';
import { decideDeletion } from './decide-deletion.js';
import type { ObservedJob, ObservedRun, PlannedObjects } from './observed-run.js';
import { planSummary } from './plan-summary.js';
import { failedPodMessage, judgePods } from './pod-health.js';
import { findCondition, parseTime, rfc3339 } from './run-conditions.js';
import {
  childNames, FINALIZER, REPORT_HTML_LIMIT_BYTES, RUN_PHASES, type ConditionType, type IncidentBenchRun, type RunPhase,
  type RunProgress, type RunResults,
} from './run-resource.js';

export interface DecideOptions {
  /** status.progress is mirrored at most this often (SPEC §15.2: 5 s). */
  progressEveryMs: number;
  /** A pod stuck in CrashLoopBackOff/ImagePullBackOff/ErrImagePull/CreateContainerConfigError this long fails the run. */
  stuckPodMs: number;
  /** Kafka unreachable from the operator this long while Preparing fails the run. */
  kafkaUnreachableMs: number;
  /** A worker Job still active this long after the coordinator finished is deleted. */
  workerGraceMs: number;
  /** The coordinator finished but no RunSummary arrived within this long: the run fails. */
  summaryWaitMs: number;
  /** Active runs are looked at again at least this often (pods are not watched). */
  resyncMs: number;
  /** While deleting, and while waiting for a scenarioRef ConfigMap, look again this often. */
  pollMs: number;
  /** The cleanup Job may take this long before deletion goes on without it. */
  cleanupTimeoutMs: number;
}

export const DEFAULT_DECIDE_OPTIONS: DecideOptions = {
  progressEveryMs: 5_000,
  stuckPodMs: 60_000,
  kafkaUnreachableMs: 60_000,
  workerGraceMs: 60_000,
  summaryWaitMs: 60_000,
  resyncMs: 10_000,
  pollMs: 2_000,
  cleanupTimeoutMs: 600_000,
};

const ACTIVE: readonly RunPhase[] = ['Preparing', 'Initializing', 'Running', 'Aggregating', 'Reporting'];

/** The lifecycle phase a coordinator stage means (failed is handled as a failure). */
const STAGE_PHASE: Record<Exclude<RunStage, 'failed'>, RunPhase> = {
  preparing: 'Preparing',
  waiting: 'Initializing',
  running: 'Running',
  draining: 'Aggregating',
  reporting: 'Reporting',
  done: 'Reporting',
};

function rank(p: RunPhase): number {
  return RUN_PHASES.indexOf(p);
}

function later(a: RunPhase, b: RunPhase): RunPhase {
  return rank(a) >= rank(b) ? a : b;
}

export function generationOf(run: IncidentBenchRun): number {
  return run.metadata.generation ?? 1;
}

/**
 * The run needs a planning result from its spec: it is Pending, or it failed validation and its spec has changed
 * since (a fixed spec is validated again). The I/O layer computes `planning` from the spec only then.
 */
export function needsPlanning(run: IncidentBenchRun): boolean {
  const st = run.status ?? {};
  const phase = st.phase ?? 'Pending';
  if (phase === 'Pending') return true;
  const validated = findCondition(st.conditions, 'Validated');
  return phase === 'Failed' && validated?.status === 'False' && generationOf(run) > (st.observedGeneration ?? 0);
}

export function decide(o: ObservedRun, nowMs: number, opts: DecideOptions = DEFAULT_DECIDE_OPTIONS): Decision {
  const run = o.run;
  const st = run.status ?? {};
  const generation = generationOf(run);
  // A run read from a stale cache (its status already speaks of a newer generation): never act on it.
  if (st.observedGeneration !== undefined && st.observedGeneration > generation) return { actions: [], requeueAfterMs: opts.pollMs };
  if (run.metadata.deletionTimestamp !== undefined) return decideDeletion(o, nowMs, opts);
  const b = new DecisionBuilder(run.status, nowMs);
  if (needsPlanning(run)) decidePending(o, b, opts);
  else {
    noteSpecChange(o, b);
    const phase = st.phase ?? 'Pending';
    if (ACTIVE.includes(phase)) decideActive(o, b, phase, opts);
    else b.followLive(false);
  }
  return b.build();
}

// ---- Pending ------------------------------------------------------------------------------------------------

function decidePending(o: ObservedRun, b: DecisionBuilder, opts: DecideOptions): void {
  const run = o.run;
  const name = run.metadata.name;
  const planning = o.planning;
  if (planning === null) {
    b.requeueIn(opts.pollMs);
    return;
  }
  b.status.observedGeneration = generationOf(run);
  if (planning.kind === 'waiting' || planning.kind === 'missing') {
    const message = planning.kind === 'waiting' ? planning.message : planning.reason;
    b.status.phase = 'Pending';
    b.condition({ type: 'Validated', status: 'Unknown', reason: 'WaitingForScenario', message });
    b.requeueIn(opts.pollMs);
    return;
  }
  if (planning.kind === 'invalid') {
    b.status.phase = 'Failed';
    b.status.completionTime = rfc3339(b.nowMs);
    b.condition({ type: 'Validated', status: 'False', reason: 'InvalidSpec', message: planning.problems.join('\n') });
    b.event('Warning', 'InvalidSpec', `spec is invalid: ${planning.problems.join('; ')}`);
    return;
  }
  const { plan, objects } = planning;
  const dryRun = run.spec.dryRun === true;
  if (wantsFinalizer(run) && !(run.metadata.finalizers ?? []).includes(FINALIZER)) b.do({ kind: 'addFinalizer' });
  if (!o.planConfigMapExists) b.do({ kind: 'createConfigMap', object: objects.planConfigMap });
  b.status.runId = plan.run.id;
  delete b.status.completionTime; // a spec fixed after failing validation starts afresh
  b.status.workers = desiredWorkers(plan);
  b.condition({ type: 'Validated', status: 'True', reason: 'Valid', message: `spec is valid; plan ${plan.run.id} is in ConfigMap ${childNames.planConfigMap(name)}` });
  if (dryRun) {
    b.status.phase = 'Completed';
    b.status.planSummary = planSummary(plan);
    b.status.completionTime = rfc3339(b.nowMs);
    b.condition({ type: 'RunComplete', status: 'True', reason: 'DryRun', message: 'dry run: the plan is in status.planSummary and the plan ConfigMap; nothing was started' });
    b.event('Normal', 'DryRun', `dry run: plan ${plan.run.id} written to ${childNames.planConfigMap(name)}; nothing started`);
    return;
  }
  if (findJob(o, childNames.coordinatorJob(name)) === undefined) b.do({ kind: 'createJob', which: 'coordinator', object: objects.coordinatorJob });
  b.status.phase = 'Preparing';
  b.condition({ type: 'Prepared', status: 'Unknown', reason: 'Preparing', message: `Job ${childNames.coordinatorJob(name)} prepares the topics and the target` });
  b.event('Normal', 'Preparing', `spec is valid (run id ${plan.run.id}); created ${childNames.planConfigMap(name)} and Job ${childNames.coordinatorJob(name)}`);
  b.followLive(true);
  b.requeueIn(opts.resyncMs);
}

/**
 * The finalizer is added only when deletion has work to do: cleanup (cleanupOnDelete not false) of a run that will
 * start (not a dry run). Without it, ownerReferences remove every child, Jobs and their pods included.
 */
export function wantsFinalizer(run: IncidentBenchRun): boolean {
  return run.spec.cleanupOnDelete !== false && run.spec.dryRun !== true;
}

function desiredWorkers(plan: RunPlan): NonNullable<IncidentBenchRun['status']>['workers'] {
  return {
    ingest: { desired: plan.workers.ingest.count, ready: 0 },
    query: { desired: plan.workers.query.reduce((a, q) => a + q.count, 0), ready: 0 },
  };
}

// ---- spec changes after Pending -----------------------------------------------------------------------------

function noteSpecChange(o: ObservedRun, b: DecisionBuilder): void {
  const generation = generationOf(o.run);
  const seen = b.status.observedGeneration ?? 0;
  if (generation <= seen) return;
  const validated = findCondition(b.status.conditions, 'Validated');
  const planned = validated?.observedGeneration ?? seen;
  b.status.observedGeneration = generation;
  if (validated !== undefined) {
    const conditions = b.status.conditions ?? [];
    const message = `spec changed after start (generation ${generation}); the run goes on with generation ${planned}; `
      + 'delete and re-create the run to change it';
    b.status.conditions = conditions.map((c) => (c.type === 'Validated' ? { ...c, reason: 'SpecChangedAfterStart', message } : c));
  }
  b.event('Warning', 'SpecChangedAfterStart', `spec changed after start (generation ${generation}); delete and re-create the run to change it`);
}

// ---- Preparing … Reporting -----------------------------------------------------------------------------------

function findJob(o: ObservedRun, name: string): ObservedJob | undefined {
  return o.jobs.find((j) => j.name === name);
}

function isRunning(j: ObservedJob): boolean {
  return j.finishedAtMs === null && !j.complete && j.failedCondition === null && !j.deleting;
}

function decideActive(o: ObservedRun, b: DecisionBuilder, phase: RunPhase, opts: DecideOptions): void {
  const run = o.run;
  const name = run.metadata.name;
  const planning = o.planning;
  if (planning === null) {
    b.requeueIn(opts.pollMs);
    return;
  }
  if (planning.kind !== 'ok') {
    const why = planning.kind === 'invalid' ? planning.problems.join('; ') : planning.kind === 'waiting' ? planning.message : planning.reason;
    fail(b, phase, 'PlanMissing', `the plan of the run is not readable: ${why}`);
    return;
  }
  const { plan, objects } = planning;
  b.followLive(true);
  b.requeueIn(opts.resyncMs);
  const coordinatorName = childNames.coordinatorJob(name);
  const coordinator = findJob(o, coordinatorName);
  if (phase === 'Preparing' && coordinator === undefined) b.do({ kind: 'createJob', which: 'coordinator', object: objects.coordinatorJob });

  const live = o.live;
  const summary = live.summary;
  // The coordinator's Job may fail because the run is invalid (exit code 2 or 3 after the summary): that is an end.
  const coordinatorFailure = coordinator !== undefined && (coordinator.failedCondition !== null || (coordinator.failed > 0 && coordinator.active === 0 && !coordinator.complete))
    ? coordinatorFailureText(o, coordinatorName, coordinator) : null;
  const coordinatorEndedWithSummary = coordinatorFailure !== null && summary !== null
    && (coordinatorFailure.exitCode === null || coordinatorFailure.exitCode === summary.exitCode);
  // The coordinator's own verdict first: it says why (a READY timeout, …) more precisely than its Job's exit.
  const state = live.state;
  if (state?.stage === 'failed') {
    const reason = phase === 'Initializing' ? 'ReadyTimeout' : phase === 'Preparing' ? 'PreparationFailed' : 'RunFailed';
    fail(b, phase, reason, `the coordinator reports the run failed: ${state.reason ?? 'no reason given'}`);
    return;
  }
  if (coordinatorFailure !== null && !coordinatorEndedWithSummary) {
    fail(b, phase, 'CoordinatorFailed', `Job ${coordinatorName} failed: ${coordinatorFailure.message}`);
    return;
  }
  const runPods = o.pods.filter((p) => p.jobName !== childNames.cleanupJob(name));
  const pods = judgePods(runPods, b.nowMs, opts.stuckPodMs);
  if (pods.stuck !== null) {
    fail(b, phase, pods.stuck.reason, pods.stuck.message);
    return;
  }
  if (pods.recheckInMs !== null) b.requeueIn(pods.recheckInMs);
  if (phase === 'Preparing' && live.kafkaError !== null && (state === null || state.stage === 'preparing')) {
    const forMs = b.nowMs - live.kafkaError.sinceMs;
    if (forMs > opts.kafkaUnreachableMs) {
      fail(b, phase, 'KafkaUnreachable', `the operator cannot read ${plan.kafka.topics.live} for ${Math.round(forMs / 1000)} s: ${live.kafkaError.message}`);
      return;
    }
    b.requeueIn(opts.kafkaUnreachableMs - forMs + 1);
  }

  // Where the coordinator says the run is (it may be ahead of the status after a restart of the operator).
  let target = phase; // state.stage 'failed' was handled above
  if (state !== null) target = later(target, STAGE_PHASE[state.stage as Exclude<RunStage, 'failed'>]);
  if (summary !== null) target = later(target, 'Reporting');

  if (rank(target) >= rank('Initializing')) {
    b.condition({ type: 'Prepared', status: 'True', reason: 'Prepared', message: 'the coordinator prepared the topics and the target' });
  }
  if (rank(phase) <= rank('Initializing') && rank(target) >= rank('Initializing') && summary === null) {
    createWorkerJobs(o, b, objects);
  }
  if (rank(target) >= rank('Initializing')) workersReady(o, b, target);
  if (rank(target) >= rank('Running') && b.status.startTime === undefined) b.status.startTime = rfc3339(state?.t0 ?? b.nowMs);
  if (live.point !== null && rank(target) >= rank('Running')) mirrorProgress(b, live.point, plan, opts);
  if (target !== phase) enter(b, target);

  if (summary !== null) report(o, b, summary);
  const coordinatorDone = coordinator !== undefined && (coordinator.complete || coordinatorEndedWithSummary);
  if (!coordinatorDone || coordinator === undefined) return;
  const finishedAt = coordinator.finishedAtMs ?? b.nowMs;
  if (summary === null) {
    const waited = b.nowMs - finishedAt;
    if (waited > opts.summaryWaitMs) {
      fail(b, b.status.phase ?? phase, 'NoSummary', `Job ${coordinatorName} finished but no RunSummary arrived on ${plan.kafka.topics.live} within ${Math.round(opts.summaryWaitMs / 1000)} s`);
      return;
    }
    b.requeueIn(opts.summaryWaitMs - waited + 1);
    return;
  }
  if (findCondition(b.status.conditions, 'RunComplete')?.status !== 'True') return;
  const active = o.jobs.filter((j) => j.name !== coordinatorName && j.component !== 'cleanup' && isRunning(j));
  if (active.length === 0) {
    b.status.phase = 'Completed';
    b.status.completionTime = rfc3339(b.nowMs);
    b.event('Normal', 'Completed', `run ${name} completed: ${summary.valid ? 'valid' : 'invalid'}, exit code ${summary.exitCode}`);
    b.followLive(false);
    return;
  }
  const overdue = b.nowMs - finishedAt - opts.workerGraceMs;
  if (overdue > 0) {
    for (const j of active) {
      b.do({ kind: 'deleteJob', name: j.name });
      b.event('Warning', 'WorkerJobStopped', `Job ${j.name} was still active ${Math.round((b.nowMs - finishedAt) / 1000)} s after the coordinator finished; deleted it`);
    }
    b.requeueIn(opts.pollMs);
  } else b.requeueIn(-overdue + 1);
}

function coordinatorFailureText(o: ObservedRun, jobName: string, job: ObservedJob): { message: string; exitCode: number | null } {
  const pod = failedPodMessage(o.pods, jobName);
  if (pod !== null) return { message: `pod ${pod.pod} exited with code ${pod.exitCode}: ${pod.message}`, exitCode: pod.exitCode };
  const c = job.failedCondition;
  return { message: c !== null ? `${c.reason}: ${c.message}` : `${job.failed} pod(s) failed`, exitCode: null };
}

function createWorkerJobs(o: ObservedRun, b: DecisionBuilder, objects: PlannedObjects): void {
  const name = o.run.metadata.name;
  if (objects.ingestJob !== null && findJob(o, childNames.ingestJob(name)) === undefined) {
    b.do({ kind: 'createJob', which: 'ingest', object: objects.ingestJob });
  }
  for (const q of objects.queryJobs) {
    const jobName = q.metadata?.name ?? '';
    if (findJob(o, jobName) === undefined) b.do({ kind: 'createJob', which: 'query', object: q });
  }
}

function workersReady(o: ObservedRun, b: DecisionBuilder, target: RunPhase): void {
  const state = o.live.state;
  const workers = b.status.workers;
  if (workers !== undefined && state !== null) {
    b.status.workers = {
      ingest: { desired: workers.ingest.desired, ready: state.ready.ingest },
      query: { desired: workers.query.desired, ready: state.ready.query },
    };
  }
  const allReady = rank(target) >= rank('Running')
    || (state !== null && state.ready.ingest >= state.expected.ingest && state.ready.query >= state.expected.query);
  if (allReady) {
    b.condition({ type: 'WorkersReady', status: 'True', reason: 'AllReady', message: 'every worker is ready' });
    return;
  }
  const r = state?.ready ?? { ingest: 0, query: 0 };
  const e = state?.expected ?? { ingest: b.status.workers?.ingest.desired ?? 0, query: b.status.workers?.query.desired ?? 0 };
  b.condition({ type: 'WorkersReady', status: 'False', reason: 'WaitingForWorkers',
    message: `${r.ingest} of ${e.ingest} ingest and ${r.query} of ${e.query} query workers ready` });
}

function progressOf(p: LivePoint): RunProgress {
  return {
    elapsedSeconds: p.elapsedS,
    totalSeconds: p.durationS,
    targetIngestEPS: p.targetEps,
    achievedIngestEPS: p.ackedEps,
    consumedIngestEPS: p.consumedEps,
    targetQueryQPS: p.targetQps,
    achievedQueryQPS: p.completedQps,
    queryP99Ms: p.p99Ms,
    kafkaConsumerLag: p.lag,
  };
}

/** Mirrors the latest LivePoint into status.progress, at most every progressEveryMs (progress.updatedAt). */
function mirrorProgress(b: DecisionBuilder, point: LivePoint, plan: RunPlan, opts: DecideOptions): void {
  const next = progressOf(point);
  const shown = b.status.progress;
  if (shown !== undefined && canonicalJson({ ...shown, updatedAt: undefined }) === canonicalJson(next)) return;
  const last = parseTime(shown?.updatedAt);
  if (last !== null && b.nowMs - last < opts.progressEveryMs) {
    b.requeueIn(last + opts.progressEveryMs - b.nowMs);
    return;
  }
  b.status.progress = { ...next, updatedAt: new Date(b.nowMs).toISOString() };
  const index = plan.phases.findIndex((ph) => ph.name === point.phase);
  b.status.currentBenchmarkPhase = point.phase;
  // After the timeline ("drain") the index is one past the last phase.
  b.status.currentBenchmarkPhaseIndex = index >= 0 ? index : plan.phases.length;
}

const ENTER_EVENTS: Partial<Record<RunPhase, string>> = {
  Initializing: 'the coordinator prepared the topics and the target; worker Jobs created',
  Running: 'every worker is ready; the run started',
  Aggregating: 'the timeline ended; the coordinator drains and aggregates',
  Reporting: 'the coordinator writes the report',
};

function enter(b: DecisionBuilder, phase: RunPhase): void {
  b.status.phase = phase;
  b.event('Normal', phase, ENTER_EVENTS[phase] ?? phase);
}

/** The RunSummary: rebuild the report once, then put the results into status (RunComplete=True). */
function report(o: ObservedRun, b: DecisionBuilder, summary: RunSummary): void {
  const name = o.run.metadata.name;
  if (o.report === null && o.live.reportError === null) {
    b.do({ kind: 'writeReport' });
    return;
  }
  const rebuild = `rebuild it with incidentbench report ${name} --from-kafka --kafka ${o.run.spec.kafka.bootstrapServers}`;
  const results: RunResults = {
    valid: summary.valid,
    validityViolations: summary.violations.map((v) => `${v.name}: ${v.message}`),
    warnings: summary.warnings.map((w) => `${w.code}: ${w.message}`),
    harnessSaturated: summary.warnings.some((w) => w.code === 'harness_saturated'),
    scorecard: { ...summary.scorecard },
    reportConfigMap: o.report?.name ?? null,
    exitCode: summary.exitCode,
  };
  if (o.report !== null && !o.report.hasHtml) {
    const size = o.report.htmlBytes === null ? '' : ` ${Math.ceil(o.report.htmlBytes / 1024)} KiB,`;
    results.reportNote = `report.html is${size} above the ${REPORT_HTML_LIMIT_BYTES / 1024} KiB ConfigMap budget; ${rebuild}`;
  } else if (o.report === null) {
    results.reportNote = `the report could not be written (${o.live.reportError ?? 'unknown reason'}); ${rebuild}`;
  }
  b.status.results = results;
  const before = findCondition(b.original.conditions, 'RunComplete')?.status;
  const message = summary.valid
    ? `run finished: valid, exit code ${summary.exitCode}`
    : `run finished: invalid (${summary.violations.map((v) => v.name).join(', ') || 'see results'}), exit code ${summary.exitCode}`;
  b.condition({ type: 'RunComplete', status: 'True', reason: summary.valid ? 'Valid' : 'Invalid', message });
  if (before !== 'True') b.event(summary.valid ? 'Normal' : 'Warning', 'RunFinished', message);
}

/** → Failed: the condition of the stage that failed, RunComplete=False, a Warning event; nothing is deleted. */
function fail(b: DecisionBuilder, phase: RunPhase, reason: string, message: string): void {
  const stageCondition: ConditionType | null = phase === 'Preparing' ? 'Prepared' : phase === 'Initializing' ? 'WorkersReady' : null;
  if (stageCondition !== null) b.condition({ type: stageCondition, status: 'False', reason, message });
  b.condition({ type: 'RunComplete', status: 'False', reason, message });
  b.status.phase = 'Failed';
  b.status.completionTime = rfc3339(b.nowMs);
  b.event('Warning', reason, message);
  b.followLive(false);
}
