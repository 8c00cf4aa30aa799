import assert from 'node:assert/strict';
import { decide } from '../../../src/control/k8s/decide.js';
import { NO_LIVE, type ObservedPod } from '../../../src/control/k8s/observed-run.js';
import {
  allJobs, condition, decideTwice, events, inPhase, job, kinds, names, NOW, OPTS, pod, state, statusOf,
} from './decide-fixture.js';

const following = { ...NO_LIVE, following: true };

function waitingPod(reason: string, forMs: number, jobName = names.ingest): ObservedPod {
  return pod(`${jobName}-0-abcde`, jobName, { phase: 'Pending', waiting: { container: 'worker', reason, message: 'back-off pulling image', sinceMs: NOW - forMs } });
}

describe('decide: → Failed', () => {
  it('coordinator Job failed while Preparing: Prepared=False/CoordinatorFailed with the pod\'s termination message', () => {
    const pods = [pod('r1-coordinator-abc', names.coordinator, { phase: 'Failed', terminated: { container: 'coordinator', exitCode: 1, reason: 'Error', message: 'Kafka unreachable at kafka:9092 within 10 s: no answer from any broker' } })];
    const d = decide(inPhase('Preparing', { jobs: [job(names.coordinator, 'coordinator', 'failed')], pods }), NOW, OPTS);
    const s = statusOf(d);
    assert.equal(s.phase, 'Failed');
    const c = condition(s, 'Prepared');
    assert.deepEqual([c.status, c.reason], ['False', 'CoordinatorFailed']);
    assert.equal(c.message, 'Job r1-coordinator failed: pod r1-coordinator-abc exited with code 1: Kafka unreachable at kafka:9092 within 10 s: no answer from any broker');
    assert.equal(condition(s, 'RunComplete').message, c.message);
    assert.deepEqual(events(d).map((e) => `${e.type}:${e.reason}`), ['Warning:CoordinatorFailed']);
    assert.ok(!kinds(d).some((k) => k.startsWith('deleteJob')), 'nothing is deleted on failure');
    assert.ok(kinds(d).includes('stopFollowing'));
  });

  it('a termination message of many log lines is quoted by its last "error:" line', () => {
    const message = 'info preparing topics\n{"level":"warn","msg":"retrying"}\nerror: target unreachable at http://ch:8123: connection refused\ninfo exiting\n';
    const pods = [pod('r1-coordinator-abc', names.coordinator, { phase: 'Failed', terminated: { container: 'coordinator', exitCode: 1, reason: 'Error', message } })];
    const s = statusOf(decide(inPhase('Preparing', { jobs: [job(names.coordinator, 'coordinator', 'failed')], pods }), NOW, OPTS));
    assert.equal(condition(s, 'Prepared').message, 'Job r1-coordinator failed: pod r1-coordinator-abc exited with code 1: error: target unreachable at http://ch:8123: connection refused');
  });

  it('coordinator Job failed without a readable pod: the Job\'s Failed condition is the message', () => {
    const s = statusOf(decide(inPhase('Running', { jobs: allJobs('failed') }), NOW, OPTS));
    assert.equal(condition(s, 'RunComplete').message, 'Job r1-coordinator failed: BackoffLimitExceeded: Job has reached the specified backoff limit');
  });

  it('RunState "failed" while Initializing: WorkersReady=False/ReadyTimeout with the coordinator\'s reason', () => {
    const reason = 'READY barrier timed out after 120 s: missing ingest-1, query-default-2';
    const d = decide(inPhase('Initializing', { live: { ...following, state: state('failed', { reason }) } }), NOW, OPTS);
    const s = statusOf(d);
    assert.equal(s.phase, 'Failed');
    const c = condition(s, 'WorkersReady');
    assert.deepEqual([c.status, c.reason], ['False', 'ReadyTimeout']);
    assert.match(c.message, /missing ingest-1, query-default-2/);
  });

  it('a failed RunState wins over the coordinator Job that exits after it (ReadyTimeout, not CoordinatorFailed)', () => {
    const live = { ...following, state: state('failed', { reason: 'READY barrier timed out after 120 s: missing ingest-1' }) };
    const s = statusOf(decide(inPhase('Initializing', { live, jobs: allJobs('failed') }), NOW, OPTS));
    assert.equal(condition(s, 'WorkersReady').reason, 'ReadyTimeout');
  });

  it('RunState "failed" while Running: RunComplete=False/RunFailed', () => {
    const s = statusOf(decide(inPhase('Running', { live: { ...following, state: state('failed', { reason: 'worker plan hash mismatch' }) } }), NOW, OPTS));
    assert.deepEqual([condition(s, 'RunComplete').status, condition(s, 'RunComplete').reason], ['False', 'RunFailed']);
  });

  for (const reason of ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError']) {
    it(`a pod in ${reason} for more than 60 s fails the run naming the pod; under 60 s it is looked at again in time`, () => {
      const early = decide(inPhase('Initializing', { pods: [waitingPod(reason, 59_000)] }), NOW, OPTS);
      assert.ok(!early.actions.some((a) => a.kind === 'setStatus' && a.status.phase === 'Failed'));
      assert.equal(early.requeueAfterMs, 1_001);
      const late = decide(inPhase('Initializing', { pods: [waitingPod(reason, 61_000)] }), NOW, OPTS);
      const s = statusOf(late);
      assert.equal(s.phase, 'Failed');
      const c = condition(s, 'WorkersReady');
      assert.equal(c.reason, reason);
      assert.match(c.message, new RegExp(`^pod r1-ingest-0-abcde \\(container worker\\) is in ${reason} for 61 s`));
    });
  }

  it('CreateContainerConfigError says it usually means a missing Secret', () => {
    const s = statusOf(decide(inPhase('Running', { pods: [waitingPod('CreateContainerConfigError', 90_000, names.query)] }), NOW, OPTS));
    assert.match(condition(s, 'RunComplete').message, /missing Secret/);
  });

  it('a pod waiting for an ordinary reason (ContainerCreating) is not judged', () => {
    const d = decide(inPhase('Initializing', { pods: [waitingPod('ContainerCreating', 600_000)] }), NOW, OPTS);
    assert.ok(!d.actions.some((a) => a.kind === 'setStatus' && a.status.phase === 'Failed'));
  });

  it('Kafka unreachable from the operator for more than 60 s while Preparing: Prepared=False/KafkaUnreachable', () => {
    const kafkaError = { message: 'Kafka unreachable at kafka:9092 within 10 s', sinceMs: NOW - 61_000 };
    const s = statusOf(decide(inPhase('Preparing', { live: { ...following, kafkaError } }), NOW, OPTS));
    assert.equal(s.phase, 'Failed');
    assert.deepEqual([condition(s, 'Prepared').status, condition(s, 'Prepared').reason], ['False', 'KafkaUnreachable']);
    const early = decide(inPhase('Preparing', { live: { ...following, kafkaError: { ...kafkaError, sinceMs: NOW - 20_000 } } }), NOW, OPTS);
    assert.ok(!early.actions.some((a) => a.kind === 'setStatus'));
    assert.ok(early.requeueAfterMs !== null && early.requeueAfterMs <= 40_001);
  });

  it('Kafka unreachable while Running does not fail the run (the coordinator judges Kafka health)', () => {
    const kafkaError = { message: 'x', sinceMs: NOW - 600_000 };
    const d = decide(inPhase('Running', { live: { ...following, state: state('running'), kafkaError } }), NOW, OPTS);
    assert.ok(!d.actions.some((a) => a.kind === 'setStatus' && a.status.phase === 'Failed'));
  });

  it('the coordinator finished but no RunSummary within 60 s: Failed/NoSummary', () => {
    const jobs = [job(names.coordinator, 'coordinator', 'complete', { finishedAtMs: NOW - 61_000 })];
    const s = statusOf(decide(inPhase('Reporting', { jobs, live: { ...following, state: state('reporting') } }), NOW, OPTS));
    assert.deepEqual([s.phase, condition(s, 'RunComplete').reason], ['Failed', 'NoSummary']);
  });

  it('a plan ConfigMap that disappeared after Pending fails the run with PlanMissing', () => {
    const s = statusOf(decide(inPhase('Running', { planning: { kind: 'missing', reason: 'configmap r1-plan not found' } }), NOW, OPTS));
    assert.deepEqual([s.phase, condition(s, 'RunComplete').reason], ['Failed', 'PlanMissing']);
  });

  it('a failure is announced once: deciding again after applying gives no new event', () => {
    const { second } = decideTwice(inPhase('Running', { jobs: allJobs('failed') }));
    assert.deepEqual(events(second), []);
  });
});
