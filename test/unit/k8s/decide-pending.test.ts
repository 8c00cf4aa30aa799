import assert from 'node:assert/strict';
import { decide, needsPlanning, wantsFinalizer } from '../../../src/control/k8s/decide.js';
import { FINALIZER } from '../../../src/control/k8s/run-resource.js';
import {
  condition, decideTwice, events, kinds, NOW, observed, OPTS, statusOf, testRun, UID,
} from './decide-fixture.js';

describe('decide: Pending', () => {
  it('an invalid spec fails the run with Validated=False/InvalidSpec carrying every validation line, and a Warning event', () => {
    const lines = ['spec.scenario: timeline.phases[0].duration: expected a duration, got "x"', 'spec: kafka.bootstrapServers: expected host:port'];
    const d = decide(observed({ planning: { kind: 'invalid', problems: lines } }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['setStatus', 'event:Warning:InvalidSpec']);
    const s = statusOf(d);
    assert.equal(s.phase, 'Failed');
    const c = condition(s, 'Validated');
    assert.deepEqual([c.status, c.reason, c.message], ['False', 'InvalidSpec', lines.join('\n')]);
    assert.equal(c.lastTransitionTime, '2026-03-01T12:00:00Z');
    assert.equal(s.observedGeneration, 1);
    assert.equal(s.completionTime, '2026-03-01T12:00:00Z');
    for (const l of lines) assert.ok(events(d)[0]!.message.includes(l));
  });

  it('a valid spec adds the finalizer, writes the plan ConfigMap, creates the coordinator Job and enters Preparing', () => {
    const d = decide(observed(), NOW, OPTS);
    assert.deepEqual(kinds(d), ['addFinalizer', 'createConfigMap', 'createJob:coordinator', 'setStatus', 'event:Normal:Preparing', 'followLive']);
    const s = statusOf(d);
    assert.equal(s.phase, 'Preparing');
    assert.equal(s.runId, UID);
    assert.deepEqual(s.workers, { ingest: { desired: 2, ready: 0 }, query: { desired: 3, ready: 0 } });
    assert.equal(condition(s, 'Validated').status, 'True');
    assert.deepEqual([condition(s, 'Prepared').status, condition(s, 'Prepared').reason], ['Unknown', 'Preparing']);
    assert.ok(d.requeueAfterMs !== null && d.requeueAfterMs <= OPTS.resyncMs);
  });

  it('cleanupOnDelete: false needs no finalizer (ownerReferences remove every child)', () => {
    const run = testRun({ spec: { cleanupOnDelete: false } });
    assert.equal(wantsFinalizer(run), false);
    assert.ok(!kinds(decide(observed({ run }), NOW, OPTS)).includes('addFinalizer'));
  });

  it('a dry run completes with the plan summary in status and creates nothing but the plan ConfigMap', () => {
    const run = testRun({ spec: { dryRun: true } });
    const d = decide(observed({ run }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['createConfigMap', 'setStatus', 'event:Normal:DryRun']);
    const s = statusOf(d);
    assert.equal(s.phase, 'Completed');
    assert.equal(condition(s, 'RunComplete').reason, 'DryRun');
    const summary = s.planSummary ?? '';
    assert.match(summary, /baseline\s+60 s\s+1,000\s+5/);
    assert.match(summary, /overlap\s+60 s\s+3,000\s+5/);
    assert.match(summary, /totals: 120 s, 240,000 events/);
    assert.match(summary, /workers: ingest 2 × 2 threads; query default 3/);
  });

  it('a scenarioRef ConfigMap that does not exist yet keeps the run Pending (Validated=Unknown) and looks again', () => {
    const d = decide(observed({ planning: { kind: 'waiting', message: 'configmap "scen" not found' } }), NOW, OPTS);
    const s = statusOf(d);
    assert.equal(s.phase, 'Pending');
    assert.deepEqual([condition(s, 'Validated').status, condition(s, 'Validated').message], ['Unknown', 'configmap "scen" not found']);
    assert.equal(d.requeueAfterMs, OPTS.pollMs);
    assert.ok(!kinds(d).some((k) => k.startsWith('create')));
  });

  it('an existing plan ConfigMap, coordinator Job and finalizer are not created again (restart between actions)', () => {
    const run = testRun({ finalizers: [FINALIZER] });
    const o = observed({ run, planConfigMapExists: true, jobs: [{ name: 'r1-coordinator', component: 'coordinator', active: 1, succeeded: 0, failed: 0, complete: false, failedCondition: null, finishedAtMs: null, createdAtMs: NOW, deleting: false }] });
    assert.deepEqual(kinds(decide(o, NOW, OPTS)), ['setStatus', 'event:Normal:Preparing', 'followLive']);
  });

  it('deciding twice on the same observation creates nothing the second time', () => {
    const { second } = decideTwice(observed());
    assert.deepEqual(kinds(second).filter((k) => k.startsWith('create') || k === 'addFinalizer' || k.startsWith('event')), []);
  });

  it('a run that failed validation is validated again once its spec changes, and only then', () => {
    const failed = decideTwice(observed({ planning: { kind: 'invalid', problems: ['bad'] } })).after.run;
    assert.equal(needsPlanning(failed), false);
    const edited = { ...failed, metadata: { ...failed.metadata, generation: 2 } };
    assert.equal(needsPlanning(edited), true);
    const d = decide(observed({ run: edited }), NOW, OPTS);
    const s = statusOf(d);
    assert.equal(s.phase, 'Preparing');
    assert.equal(s.observedGeneration, 2);
    assert.equal(condition(s, 'Validated').status, 'True');
    assert.equal(s.completionTime, undefined);
  });

  it('planning not computed yet: no action, look again soon', () => {
    const d = decide(observed({ planning: null }), NOW, OPTS);
    assert.deepEqual(d.actions, []);
    assert.equal(d.requeueAfterMs, OPTS.pollMs);
  });
});
