import assert from 'node:assert/strict';
import { decide } from '../../../src/control/k8s/decide.js';
import { NO_LIVE } from '../../../src/control/k8s/observed-run.js';
import { withCondition } from '../../../src/control/k8s/run-conditions.js';
import { FINALIZER } from '../../../src/control/k8s/run-resource.js';
import { livePoint } from '../../support/live-messages.js';
import { condition, events, inPhase, kinds, NOW, observed, OPTS, RUN, state, statusIn, statusOf, testRun } from './decide-fixture.js';

const following = { ...NO_LIVE, following: true };

describe('decide: status rules', () => {
  it('progress is mirrored at most every 5 s, and the newest point is mirrored when 5 s have passed', () => {
    const shownAt = NOW - 3_000;
    const progress = { elapsedSeconds: 7, totalSeconds: 180, targetIngestEPS: 2000, achievedIngestEPS: 1998, consumedIngestEPS: 1450, targetQueryQPS: 10,
      achievedQueryQPS: 9.8, queryP99Ms: 870, kafkaConsumerLag: 12_340, updatedAt: new Date(shownAt).toISOString() };
    const o = inPhase('Running', { live: { ...following, state: state('running'), point: livePoint(RUN, 10) } }, { progress });
    const soon = decide(o, NOW, OPTS);
    assert.ok(!soon.actions.some((a) => a.kind === 'setStatus'), 'no status write within 5 s of the last mirror');
    assert.equal(soon.requeueAfterMs, 2_000);
    const later = decide(o, shownAt + 5_000, OPTS);
    assert.equal(statusOf(later).progress?.elapsedSeconds, 10);
    assert.equal(statusOf(later).progress?.updatedAt, new Date(shownAt + 5_000).toISOString());
  });

  it('an unchanged point is not mirrored again (no status write)', () => {
    const first = statusOf(decide(inPhase('Running', { live: { ...following, state: state('running'), point: livePoint(RUN, 10) } }), NOW, OPTS));
    const again = decide(inPhase('Running', { live: { ...following, state: state('running'), point: livePoint(RUN, 10) } }, first), NOW + 60_000, OPTS);
    assert.deepEqual(kinds(again), ['followLive']);
  });

  it('a condition keeps its lastTransitionTime while its status is unchanged, and gets a new one when it changes', () => {
    const t1 = Date.parse('2026-03-01T10:00:00Z');
    const once = withCondition(undefined, { type: 'WorkersReady', status: 'False', reason: 'WaitingForWorkers', message: '0 of 2' }, t1, 1);
    const again = withCondition(once, { type: 'WorkersReady', status: 'False', reason: 'WaitingForWorkers', message: '1 of 2' }, t1 + 30_000, 1);
    assert.equal(again[0]!.lastTransitionTime, '2026-03-01T10:00:00Z');
    assert.equal(again[0]!.message, '1 of 2');
    const flipped = withCondition(again, { type: 'WorkersReady', status: 'True', reason: 'AllReady', message: 'all' }, t1 + 60_000, 1);
    assert.equal(flipped[0]!.lastTransitionTime, '2026-03-01T10:01:00Z');
    assert.equal(flipped.length, 1);
  });

  it('in a decision, conditions that do not change status keep their time (Validated stays from Pending)', () => {
    const s = statusOf(decide(inPhase('Initializing', { live: { ...following, state: state('running') } }), NOW, OPTS));
    assert.equal(condition(s, 'Validated').lastTransitionTime, '2026-03-01T11:00:00Z');
    assert.equal(condition(s, 'Prepared').lastTransitionTime, '2026-03-01T11:00:00Z');
    assert.equal(condition(s, 'WorkersReady').lastTransitionTime, '2026-03-01T12:00:00Z');
  });

  it('a spec change after start is not applied: Validated says so, one Warning event, observedGeneration catches up', () => {
    const run = testRun({ generation: 2, status: statusIn('Running'), finalizers: [FINALIZER] });
    const o = inPhase('Running', { run, live: { ...following, state: state('running') } });
    const d = decide(o, NOW, OPTS);
    const s = statusOf(d);
    assert.equal(s.observedGeneration, 2);
    const v = condition(s, 'Validated');
    assert.deepEqual([v.status, v.reason, v.observedGeneration], ['True', 'SpecChangedAfterStart', 1]);
    assert.match(v.message, /spec changed after start; |delete and re-create the run to change it/);
    assert.deepEqual(events(d).map((e) => `${e.type}:${e.reason}`), ['Warning:SpecChangedAfterStart']);
    assert.ok(!kinds(d).some((k) => k.startsWith('create') || k.startsWith('delete')));
    const next = decide({ ...o, run: { ...run, status: s } }, NOW, OPTS);
    assert.deepEqual(events(next), [], 'the change is announced once');
  });

  it('a run whose status speaks of a newer generation than its metadata (a stale read) is not acted on', () => {
    const run = testRun({ generation: 1, status: { ...statusIn('Running'), observedGeneration: 2 } });
    const d = decide(observed({ run, live: { ...following, state: state('failed', { reason: 'x' }) } }), NOW, OPTS);
    assert.deepEqual(d.actions, []);
    assert.equal(d.requeueAfterMs, OPTS.pollMs);
  });

  it('active runs are looked at again at least every resync interval (pods are not watched)', () => {
    const d = decide(inPhase('Running', { live: { ...following, state: state('running') } }), NOW, OPTS);
    assert.equal(d.requeueAfterMs, OPTS.resyncMs);
  });
});
