// Observations of an IncidentBenchRun for the tests of the operator's decision function, and a small simulator that
// applies a decision to an observation the way the I/O layer would. Must not be used outside tests.

import assert from 'node:assert/strict';
import type { V1Job } from '@kubernetes/client-node';
import { cleanupJob, runObjects } from '../../../src/control/k8s/run-objects.js';
import { decide, DEFAULT_DECIDE_OPTIONS, type DecideOptions } from '../../../src/control/k8s/decide.js';
import type { Action, Decision } from '../../../src/control/k8s/decision.js';
import type { ObservedJob, ObservedPod, ObservedRun, Planning } from '../../../src/control/k8s/observed-run.js';
import { NO_LIVE } from '../../../src/control/k8s/observed-run.js';
import {
  childNames, FINALIZER, RUN_API_VERSION, RUN_KIND, type Component, type Condition, type IncidentBenchRun, type RunStatus,
} from '../../../src/control/k8s/run-resource.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { miniPlan } from '../../support/mini-plan.js';
import { liveState } from '../../support/live-messages.js';
import type { RunState } from '../../../src/stream-agg/live-types.js';

export const RUN = 'r1';
export const NS = 'bench';
export const UID = '11111111-2222-4333-8444-555555555555';
/** A whole second, so RFC 3339 times round-trip. */
export const NOW = Date.parse('2026-03-01T12:00:00Z');
export const BOOTSTRAP = 'kafka:9092';

/** Test options: the defaults (the tests speak of 5 s, 60 s … as SPEC §15.2 does). */
export const OPTS: DecideOptions = DEFAULT_DECIDE_OPTIONS;

export function testPlan(): RunPlan {
  const plan = miniPlan([
    { name: 'baseline', durationS: 60, eps: 1000, qps: 5 },
    { name: 'overlap', durationS: 60, eps: 3000, qps: 5 },
  ], { run: RUN, workers: 2, queryWorkers: 3, bootstrap: BOOTSTRAP });
  plan.run.id = UID;
  return plan;
}

export function testRun(over: { spec?: Partial<IncidentBenchRun['spec']>; status?: RunStatus; generation?: number;
  finalizers?: string[]; deletionTimestamp?: string } = {}): IncidentBenchRun {
  const run: IncidentBenchRun = {
    apiVersion: RUN_API_VERSION,
    kind: RUN_KIND,
    metadata: {
      name: RUN, namespace: NS, uid: UID, generation: over.generation ?? 1, resourceVersion: '7',
      creationTimestamp: '2026-03-01T11:00:00Z',
      ...(over.finalizers ? { finalizers: over.finalizers } : {}),
      ...(over.deletionTimestamp ? { deletionTimestamp: over.deletionTimestamp } : {}),
    },
    spec: { scenario: { scenario: { name: 'x' } }, kafka: { bootstrapServers: BOOTSTRAP }, ...over.spec },
  };
  if (over.status) run.status = over.status;
  return run;
}

export function okPlanning(run: IncidentBenchRun = testRun()): Planning & { kind: 'ok' } {
  const plan = testPlan();
  const o = { namespace: NS, image: 'incidentbench:test', owner: run };
  return { kind: 'ok', plan, planHash: 'h', objects: { ...runObjects(plan, o), cleanupJob: cleanupJob(plan, o) } };
}

export function observed(over: Partial<ObservedRun> = {}): ObservedRun {
  const run = over.run ?? testRun();
  return {
    run,
    planning: okPlanning(run),
    planConfigMapExists: false,
    jobs: [],
    pods: [],
    report: null,
    live: { ...NO_LIVE },
    ...over,
  };
}

export function job(name: string, component: Component, state: 'active' | 'complete' | 'failed' | 'deleting' = 'active',
  over: Partial<ObservedJob> = {}): ObservedJob {
  return {
    name, component, active: state === 'active' || state === 'deleting' ? 1 : 0, succeeded: state === 'complete' ? 1 : 0,
    failed: state === 'failed' ? 1 : 0, complete: state === 'complete',
    failedCondition: state === 'failed' ? { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' } : null,
    finishedAtMs: state === 'complete' || state === 'failed' ? NOW : null,
    createdAtMs: NOW - 60_000,
    deleting: state === 'deleting',
    ...over,
  };
}

export function pod(name: string, jobName: string, over: Partial<ObservedPod> = {}): ObservedPod {
  return { name, jobName, phase: 'Running', waiting: null, terminated: null, ...over };
}

export function state(stage: RunState['stage'], over: Partial<RunState> = {}): RunState {
  return liveState(RUN, { runId: UID, stage, ready: { ingest: 2, query: 3 }, expected: { ingest: 2, query: 3 }, ...over });
}

export const names = {
  coordinator: childNames.coordinatorJob(RUN),
  ingest: childNames.ingestJob(RUN),
  query: childNames.queryJob(RUN, 'default'),
  cleanup: childNames.cleanupJob(RUN),
};

/** Every Job of a run that has started, with the coordinator in `coordinator` state. */
export function allJobs(coordinator: 'active' | 'complete' | 'failed' = 'active', workers: 'active' | 'complete' = 'active'): ObservedJob[] {
  return [job(names.coordinator, 'coordinator', coordinator), job(names.ingest, 'ingest', workers), job(names.query, 'query', workers)];
}

/** A status as the operator leaves it in `phase` (conditions as that phase has them). */
export function statusIn(phase: NonNullable<RunStatus['phase']>, over: Partial<RunStatus> = {}): RunStatus {
  const t = '2026-03-01T11:00:00Z';
  const messages: Record<string, string> = { Prepared: 'the coordinator prepared the topics and the target', AllReady: 'every worker is ready' };
  const c = (type: Condition['type'], status: Condition['status'], reason: string): Condition => ({ type, status, reason, message: messages[reason] ?? reason, lastTransitionTime: t, observedGeneration: 1 });
  const conditions: Condition[] = [c('Validated', 'True', 'Valid')];
  if (phase !== 'Pending') conditions.push(c('Prepared', phase === 'Preparing' ? 'Unknown' : 'True', phase === 'Preparing' ? 'Preparing' : 'Prepared'));
  if (!['Pending', 'Preparing'].includes(phase)) conditions.push(c('WorkersReady', phase === 'Initializing' ? 'False' : 'True', phase === 'Initializing' ? 'WaitingForWorkers' : 'AllReady'));
  return {
    phase, observedGeneration: 1, runId: UID, conditions,
    workers: { ingest: { desired: 2, ready: phase === 'Initializing' || phase === 'Preparing' ? 0 : 2 }, query: { desired: 3, ready: phase === 'Initializing' || phase === 'Preparing' ? 0 : 3 } },
    ...(['Running', 'Aggregating', 'Reporting'].includes(phase) ? { startTime: t } : {}),
    ...over,
  };
}

/** An observation of the run in `phase`, its Jobs present, with the plan ConfigMap. */
export function inPhase(phase: NonNullable<RunStatus['phase']>, over: Partial<ObservedRun> = {}, statusOver: Partial<RunStatus> = {}): ObservedRun {
  const run = testRun({ status: statusIn(phase, statusOver), finalizers: [FINALIZER] });
  const jobs = phase === 'Preparing' ? [job(names.coordinator, 'coordinator')] : phase === 'Pending' ? [] : allJobs();
  return observed({ run, planConfigMapExists: true, jobs, live: { ...NO_LIVE, following: true }, ...over });
}

export function kinds(d: Decision): string[] {
  return d.actions.map((a) => (a.kind === 'createJob' ? `createJob:${a.which}` : a.kind === 'event' ? `event:${a.type}:${a.reason}` : a.kind === 'deleteJob' ? `deleteJob:${a.name}` : a.kind));
}

export function statusOf(d: Decision): RunStatus {
  const a = d.actions.find((x): x is Action & { kind: 'setStatus' } => x.kind === 'setStatus');
  assert.ok(a, `expected a setStatus action, got ${kinds(d).join(', ')}`);
  return a.status;
}

export function condition(s: RunStatus, type: Condition['type']): Condition {
  const c = s.conditions?.find((x) => x.type === type);
  assert.ok(c, `expected condition ${type} in ${JSON.stringify(s.conditions)}`);
  return c;
}

export function events(d: Decision): { type: string; reason: string; message: string }[] {
  return d.actions.filter((a): a is Action & { kind: 'event' } => a.kind === 'event').map(({ type, reason, message }) => ({ type, reason, message }));
}

function jobFrom(object: V1Job, component: Component): ObservedJob {
  return job(object.metadata?.name ?? '?', component, 'active', { createdAtMs: NOW });
}

/** The observation after the I/O layer carried out `d` (created Jobs are active, status and finalizers written). */
export function applyDecision(o: ObservedRun, d: Decision): ObservedRun {
  const run = structuredClone(o.run);
  let jobs = [...o.jobs];
  let planConfigMapExists = o.planConfigMapExists;
  for (const a of d.actions) {
    if (a.kind === 'addFinalizer') run.metadata.finalizers = [...(run.metadata.finalizers ?? []), FINALIZER];
    else if (a.kind === 'removeFinalizer') run.metadata.finalizers = (run.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
    else if (a.kind === 'createConfigMap') planConfigMapExists = true;
    else if (a.kind === 'createJob' && !jobs.some((j) => j.name === a.object.metadata?.name)) jobs.push(jobFrom(a.object, a.which));
    else if (a.kind === 'deleteJob') jobs = jobs.map((j) => (j.name === a.name ? { ...j, deleting: true } : j));
    else if (a.kind === 'setStatus') run.status = structuredClone(a.status);
  }
  return { ...o, run, jobs, planConfigMapExists };
}

/** Decides, applies, and decides again on the same observation: returns both decisions. */
export function decideTwice(o: ObservedRun, now = NOW): { first: Decision; second: Decision; after: ObservedRun } {
  const first = decide(o, now, OPTS);
  const after = applyDecision(o, first);
  return { first, second: decide(after, now, OPTS), after };
}
