import assert from 'node:assert/strict';
import { decide } from '../../../src/control/k8s/decide.js';
import { FINALIZER, type RunStatus } from '../../../src/control/k8s/run-resource.js';
import type { ObservedRun } from '../../../src/control/k8s/observed-run.js';
import {
  allJobs, applyDecision, events, job, kinds, names, NOW, observed, OPTS, pod, statusIn, testRun,
} from './decide-fixture.js';

function deleting(over: Partial<ObservedRun> = {}, spec: { cleanupOnDelete?: boolean } = {}, status: RunStatus = statusIn('Running')): ObservedRun {
  const run = testRun({ status, finalizers: [FINALIZER], deletionTimestamp: '2026-03-01T11:59:00Z', spec });
  return observed({ run, planConfigMapExists: true, jobs: allJobs(), ...over });
}

describe('decide: deletion', () => {
  it('deletes the run\'s running Jobs first, without writing status', () => {
    const d = decide(deleting(), NOW, OPTS);
    assert.deepEqual(kinds(d), [`deleteJob:${names.coordinator}`, `deleteJob:${names.ingest}`, `deleteJob:${names.query}`, 'event:Normal:Stopping', 'stopFollowing']);
    assert.equal(d.requeueAfterMs, OPTS.pollMs);
  });

  it('waits while pods of stopped Jobs still run, then creates the cleanup Job', () => {
    const jobs = allJobs().map((j) => ({ ...j, deleting: true }));
    const waiting = decide(deleting({ jobs, pods: [pod('r1-ingest-0-x', names.ingest)] }), NOW, OPTS);
    assert.deepEqual(kinds(waiting), ['stopFollowing']);
    const d = decide(deleting({ jobs: [] }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['createJob:cleanup', 'event:Normal:CleanupStarted', 'stopFollowing']);
    const created = d.actions.find((a) => a.kind === 'createJob');
    assert.ok(created?.kind === 'createJob');
    assert.deepEqual(created.object.spec?.template.spec?.containers[0]?.args, ['cleanup', '--plan', '/etc/incidentbench/plan/plan.json']);
  });

  it('finished Jobs are left to the ownerReferences', () => {
    const d = decide(deleting({ jobs: allJobs('complete', 'complete') }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['createJob:cleanup', 'event:Normal:CleanupStarted', 'stopFollowing']);
  });

  it('waits for the cleanup Job, then removes the finalizer after its success', () => {
    const running = decide(deleting({ jobs: [job(names.cleanup, 'cleanup', 'active', { createdAtMs: NOW - 5_000 })] }), NOW, OPTS);
    assert.deepEqual(kinds(running), ['stopFollowing']);
    const done = decide(deleting({ jobs: [job(names.cleanup, 'cleanup', 'complete')] }), NOW, OPTS);
    assert.deepEqual(kinds(done), ['removeFinalizer', 'event:Normal:CleanupDone', 'stopFollowing']);
  });

  it('a failed cleanup Job is a Warning event with its pod\'s message, and deletion goes on', () => {
    const pods = [pod('r1-cleanup-x', names.cleanup, { phase: 'Failed', terminated: { container: 'cleanup', exitCode: 1, reason: 'Error', message: 'target unreachable' } })];
    const d = decide(deleting({ jobs: [job(names.cleanup, 'cleanup', 'failed')], pods }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['removeFinalizer', 'event:Warning:CleanupFailed', 'stopFollowing']);
    assert.match(events(d)[0]!.message, /target unreachable/);
  });

  it('a cleanup pod stuck in ImagePullBackOff for over 60 s, or a cleanup over the timeout, does not block deletion', () => {
    const stuck = [pod('r1-cleanup-x', names.cleanup, { phase: 'Pending', waiting: { container: 'cleanup', reason: 'ImagePullBackOff', message: '', sinceMs: NOW - 61_000 } })];
    assert.ok(kinds(decide(deleting({ jobs: [job(names.cleanup, 'cleanup')], pods: stuck }), NOW, OPTS)).includes('removeFinalizer'));
    const old = job(names.cleanup, 'cleanup', 'active', { createdAtMs: NOW - OPTS.cleanupTimeoutMs - 1 });
    assert.ok(kinds(decide(deleting({ jobs: [old] }), NOW, OPTS)).includes('removeFinalizer'));
  });

  it('cleanupOnDelete: false (read at deletion time) removes the finalizer once the Jobs are stopped, without cleanup', () => {
    const d = decide(deleting({ jobs: [] }, { cleanupOnDelete: false }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['removeFinalizer', 'stopFollowing']);
  });

  it('a run that never got to Preparing (failed validation) needs no cleanup', () => {
    const status: RunStatus = { phase: 'Failed', observedGeneration: 1, conditions: [{ type: 'Validated', status: 'False', reason: 'InvalidSpec', message: 'x', lastTransitionTime: '2026-03-01T11:00:00Z' }] };
    const d = decide(deleting({ jobs: [], planning: { kind: 'invalid', problems: ['x'] } }, {}, status), NOW, OPTS);
    assert.deepEqual(kinds(d), ['removeFinalizer', 'stopFollowing']);
  });

  it('without the plan the cleanup cannot run: a Warning event, and the finalizer goes', () => {
    const d = decide(deleting({ jobs: [], planning: { kind: 'missing', reason: 'configmap r1-plan not found' } }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['removeFinalizer', 'event:Warning:CleanupSkipped', 'stopFollowing']);
  });

  it('a run without the finalizer is left to Kubernetes', () => {
    const run = testRun({ status: statusIn('Running'), deletionTimestamp: '2026-03-01T11:59:00Z' });
    assert.deepEqual(kinds(decide(observed({ run, jobs: allJobs() }), NOW, OPTS)), ['stopFollowing']);
  });

  it('the whole deletion, step by step, creates the cleanup Job once and removes the finalizer once', () => {
    let o = deleting();
    const seen: string[] = [];
    for (let i = 0; i < 6 && (o.run.metadata.finalizers ?? []).includes(FINALIZER); i++) {
      const d = decide(o, NOW, OPTS);
      seen.push(...kinds(d).filter((k) => k !== 'stopFollowing'));
      o = applyDecision(o, d);
      // The I/O layer: deleted Jobs vanish; the cleanup Job succeeds.
      o = { ...o, jobs: o.jobs.filter((j) => !j.deleting).map((j) => (j.component === 'cleanup' ? job(j.name, 'cleanup', 'complete') : j)) };
    }
    assert.deepEqual(seen, [
      `deleteJob:${names.coordinator}`, `deleteJob:${names.ingest}`, `deleteJob:${names.query}`, 'event:Normal:Stopping',
      'createJob:cleanup', 'event:Normal:CleanupStarted', 'removeFinalizer', 'event:Normal:CleanupDone',
    ]);
  });
});
