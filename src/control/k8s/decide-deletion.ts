// What the operator does with an IncidentBenchRun that is being deleted (SPEC §15.2 "Deleting the run"): stop the
// run's Jobs, run the cleanup Job, then remove the finalizer. Pure; must not do I/O nor touch children it did not make.

import type { Decision } from './decision.js';
import { DecisionBuilder } from './decision-builder.js';
import type { DecideOptions } from './decide.js';
import type { ObservedRun } from './observed-run.js';
import { failedPodMessage, judgePods } from './pod-health.js';
import { findCondition } from './run-conditions.js';
import { childNames, FINALIZER } from './run-resource.js';

/**
 * 1. Jobs of the run still running (coordinator, ingest, query) are deleted, and their pods awaited, so nothing keeps
 *    producing while cleanup removes topics.
 * 2. When spec.cleanupOnDelete is not false (read at deletion time — the one setting that may change after start)
 *    and the run got as far as Preparing, the cleanup Job runs; its end (success, failure, a stuck pod, or the
 *    cleanup timeout) is awaited — a failure is a Warning event, deletion goes on.
 * 3. The finalizer is removed; ownerReferences remove the rest.
 * Status is not written while deleting.
 */
export function decideDeletion(o: ObservedRun, nowMs: number, opts: DecideOptions): Decision {
  const run = o.run;
  const name = run.metadata.name;
  const b = new DecisionBuilder(run.status, nowMs);
  b.followLive(false);
  if (!(run.metadata.finalizers ?? []).includes(FINALIZER)) return b.build();

  const cleanupName = childNames.cleanupJob(name);
  const runJobs = o.jobs.filter((j) => j.name !== cleanupName);
  const running = runJobs.filter((j) => !j.deleting && !j.complete && j.failedCondition === null && j.finishedAtMs === null);
  if (running.length > 0) {
    for (const j of running) b.do({ kind: 'deleteJob', name: j.name });
    b.event('Normal', 'Stopping', `run deleted: stopping Job${running.length > 1 ? 's' : ''} ${running.map((j) => j.name).join(', ')}`);
    b.requeueIn(opts.pollMs);
    return b.build();
  }
  const stopping = new Set(runJobs.filter((j) => j.deleting).map((j) => j.name));
  const livePods = o.pods.filter((p) => p.jobName !== cleanupName && (p.phase === 'Running' || p.phase === 'Pending')
    && (p.jobName === null || stopping.has(p.jobName) || !runJobs.some((j) => j.name === p.jobName)));
  if (livePods.length > 0) {
    b.requeueIn(opts.pollMs);
    return b.build();
  }

  const gotStarted = findCondition(run.status?.conditions, 'Prepared') !== undefined || o.jobs.some((j) => j.component === 'coordinator');
  if (run.spec.cleanupOnDelete === false || !gotStarted) {
    b.do({ kind: 'removeFinalizer' });
    return b.build();
  }
  const planning = o.planning;
  if (planning === null) {
    b.requeueIn(opts.pollMs);
    return b.build();
  }
  if (planning.kind !== 'ok') {
    const why = planning.kind === 'invalid' ? planning.problems.join('; ') : planning.kind === 'waiting' ? planning.message : planning.reason;
    b.event('Warning', 'CleanupSkipped', `cannot run the cleanup Job without the run's plan (${why}); topics and target data may remain`);
    b.do({ kind: 'removeFinalizer' });
    return b.build();
  }
  const cleanup = o.jobs.find((j) => j.name === cleanupName);
  if (cleanup === undefined) {
    b.do({ kind: 'createJob', which: 'cleanup', object: planning.objects.cleanupJob });
    b.event('Normal', 'CleanupStarted', `run deleted: Job ${cleanupName} removes the run's topics and target data`);
    b.requeueIn(opts.pollMs);
    return b.build();
  }
  if (cleanup.complete) {
    b.event('Normal', 'CleanupDone', `Job ${cleanupName} cleaned up the run`);
    b.do({ kind: 'removeFinalizer' });
    return b.build();
  }
  if (cleanup.failedCondition !== null || (cleanup.failed > 0 && cleanup.active === 0)) {
    const pod = failedPodMessage(o.pods, cleanupName);
    const why = pod !== null ? `pod ${pod.pod} exited with code ${pod.exitCode}: ${pod.message}`
      : cleanup.failedCondition !== null ? `${cleanup.failedCondition.reason}: ${cleanup.failedCondition.message}` : 'its pod failed';
    b.event('Warning', 'CleanupFailed', `Job ${cleanupName} failed (${why}); the run is deleted anyway — remove its topics and target data by hand`);
    b.do({ kind: 'removeFinalizer' });
    return b.build();
  }
  const pods = judgePods(o.pods.filter((p) => p.jobName === cleanupName), nowMs, opts.stuckPodMs);
  if (pods.stuck !== null) {
    b.event('Warning', 'CleanupFailed', `cleanup cannot run: ${pods.stuck.message}; the run is deleted anyway — remove its topics and target data by hand`);
    b.do({ kind: 'removeFinalizer' });
    return b.build();
  }
  const age = nowMs - cleanup.createdAtMs;
  if (age > opts.cleanupTimeoutMs) {
    b.event('Warning', 'CleanupFailed', `Job ${cleanupName} did not finish within ${Math.round(opts.cleanupTimeoutMs / 1000)} s; the run is deleted anyway`);
    b.do({ kind: 'removeFinalizer' });
    return b.build();
  }
  b.requeueIn(Math.min(opts.pollMs, opts.cleanupTimeoutMs - age + 1));
  if (pods.recheckInMs !== null) b.requeueIn(pods.recheckInMs);
  return b.build();
}
