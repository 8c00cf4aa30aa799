import assert from 'node:assert/strict';
import { decide } from '../../../src/control/k8s/decide.js';
import { NO_LIVE } from '../../../src/control/k8s/observed-run.js';
import { livePoint, liveSummary } from '../../support/live-messages.js';
import {
  allJobs, BOOTSTRAP, condition, decideTwice, events, inPhase, job, kinds, names, NOW, OPTS, RUN, state, statusOf, UID,
} from './decide-fixture.js';

const following = { ...NO_LIVE, following: true };

describe('decide: Preparing → Initializing → Running → Aggregating → Reporting → Completed', () => {
  it('Preparing waits for the coordinator while the stage is "preparing", reading the live topic', () => {
    const d = decide(inPhase('Preparing', { live: { ...following, state: state('preparing') } }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['followLive']);
    assert.equal(d.requeueAfterMs, OPTS.resyncMs);
  });

  it('Preparing re-creates a missing coordinator Job (creating one that exists is harmless)', () => {
    const d = decide(inPhase('Preparing', { jobs: [] }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['createJob:coordinator', 'followLive']);
  });

  it('stage "waiting" → Prepared=True, the ingest Job and one query Job per group created, Initializing', () => {
    const d = decide(inPhase('Preparing', { live: { ...following, state: state('waiting', { ready: { ingest: 0, query: 1 } }) } }), NOW, OPTS);
    assert.deepEqual(kinds(d), ['createJob:ingest', 'createJob:query', 'setStatus', 'event:Normal:Initializing', 'followLive']);
    const created = d.actions.flatMap((a) => (a.kind === 'createJob' ? [a.object.metadata?.name] : []));
    assert.deepEqual(created, [names.ingest, names.query]);
    const s = statusOf(d);
    assert.equal(s.phase, 'Initializing');
    assert.deepEqual([condition(s, 'Prepared').status, condition(s, 'Prepared').lastTransitionTime], ['True', '2026-03-01T12:00:00Z']);
    assert.deepEqual(s.workers, { ingest: { desired: 2, ready: 0 }, query: { desired: 3, ready: 1 } });
    const wr = condition(s, 'WorkersReady');
    assert.deepEqual([wr.status, wr.reason, wr.message], ['False', 'WaitingForWorkers', '0 of 2 ingest and 1 of 3 query workers ready']);
  });

  it('Initializing: WorkersReady=True once every expected worker is ready, still Initializing until "running"', () => {
    const d = decide(inPhase('Initializing', { live: { ...following, state: state('waiting') } }), NOW, OPTS);
    const s = statusOf(d);
    assert.equal(s.phase, 'Initializing');
    assert.equal(condition(s, 'WorkersReady').status, 'True');
    assert.deepEqual(s.workers, { ingest: { desired: 2, ready: 2 }, query: { desired: 3, ready: 3 } });
    assert.ok(!kinds(d).some((k) => k.startsWith('createJob')));
  });

  it('stage "running" → Running with startTime = t0', () => {
    const t0 = NOW - 3000;
    const d = decide(inPhase('Initializing', { live: { ...following, state: state('running', { t0 }) } }), NOW, OPTS);
    const s = statusOf(d);
    assert.equal(s.phase, 'Running');
    assert.equal(s.startTime, '2026-03-01T11:59:57Z');
    assert.equal(condition(s, 'WorkersReady').status, 'True');
    assert.deepEqual(events(d).map((e) => e.reason), ['Running']);
  });

  it('Running mirrors the latest LivePoint into progress with the benchmark phase and its index', () => {
    const point = livePoint(RUN, 70, { phase: 'overlap', durationS: 120 });
    const d = decide(inPhase('Running', { live: { ...following, state: state('running'), point } }), NOW, OPTS);
    const s = statusOf(d);
    assert.deepEqual(s.progress, {
      elapsedSeconds: 70, totalSeconds: 120, targetIngestEPS: 2000, achievedIngestEPS: 1998, consumedIngestEPS: 1450,
      targetQueryQPS: 10, achievedQueryQPS: 9.8, queryP99Ms: 870, kafkaConsumerLag: 12_340, updatedAt: new Date(NOW).toISOString(),
    });
    assert.equal(s.currentBenchmarkPhase, 'overlap');
    assert.equal(s.currentBenchmarkPhaseIndex, 1);
  });

  it('during the drain the benchmark phase is "drain", its index one past the last phase', () => {
    const d = decide(inPhase('Running', { live: { ...following, state: state('running'), point: livePoint(RUN, 125, { phase: 'drain' }) } }), NOW, OPTS);
    assert.deepEqual([statusOf(d).currentBenchmarkPhase, statusOf(d).currentBenchmarkPhaseIndex], ['drain', 2]);
  });

  it('stage "draining" → Aggregating; "reporting" → Reporting', () => {
    assert.equal(statusOf(decide(inPhase('Running', { live: { ...following, state: state('draining') } }), NOW, OPTS)).phase, 'Aggregating');
    assert.equal(statusOf(decide(inPhase('Aggregating', { live: { ...following, state: state('reporting') } }), NOW, OPTS)).phase, 'Reporting');
  });

  it('a RunSummary asks for the report to be written first, and sets no results yet', () => {
    const live = { ...following, state: state('reporting'), summary: liveSummary(RUN, { runId: UID }) };
    const d = decide(inPhase('Reporting', { live }), NOW, OPTS);
    assert.equal(kinds(d)[0], 'writeReport');
    const s = d.actions.find((a) => a.kind === 'setStatus');
    assert.ok(s === undefined || (s.status.results === undefined && !s.status.conditions?.some((c) => c.type === 'RunComplete')));
  });

  it('with the report ConfigMap: results, RunComplete=True; Completed once the coordinator succeeded and no worker Job runs', () => {
    const summary = liveSummary(RUN, {
      runId: UID, valid: false, exitCode: 2,
      violations: [{ rule: 'kafka_healthy', name: 'kafka healthy', message: 'lag never recovered' }],
      warnings: [{ code: 'harness_saturated', message: 'ingest-1 saturated for 12 s' }],
    });
    const live = { ...following, state: state('done'), summary };
    const report = { name: 'r1-report', hasHtml: true, htmlBytes: 12_000 };
    const d = decide(inPhase('Reporting', { live, report, jobs: allJobs('active', 'complete') }), NOW, OPTS);
    const s = statusOf(d);
    assert.equal(s.phase, 'Reporting');
    assert.deepEqual(s.results, {
      valid: false, validityViolations: ['kafka healthy: lag never recovered'], warnings: ['harness_saturated: ingest-1 saturated for 12 s'],
      harnessSaturated: true, scorecard: summary.scorecard, reportConfigMap: 'r1-report', exitCode: 2,
    });
    const rc = condition(s, 'RunComplete');
    assert.deepEqual([rc.status, rc.reason], ['True', 'Invalid']);
    assert.deepEqual(events(d).map((e) => `${e.type}:${e.reason}`), ['Warning:RunFinished']);

    const done = decide(inPhase('Reporting', { live, report, jobs: allJobs('complete', 'complete') }), NOW, OPTS);
    const ds = statusOf(done);
    assert.equal(ds.phase, 'Completed');
    assert.equal(ds.completionTime, '2026-03-01T12:00:00Z');
    assert.deepEqual(kinds(done), ['setStatus', 'event:Warning:RunFinished', 'event:Normal:Completed', 'stopFollowing']);
  });

  it('a coordinator that exits with the summary\'s exit code (invalid run) completes the run rather than failing it', () => {
    const live = { ...following, state: state('done'), summary: liveSummary(RUN, { valid: false, exitCode: 2 }) };
    const pods = [{ name: 'r1-coordinator-x', jobName: names.coordinator, phase: 'Failed', waiting: null, terminated: { container: 'c', exitCode: 2, reason: 'Error', message: 'invalid run' } }];
    const d = decide(inPhase('Reporting', { live, pods, report: { name: 'r1-report', hasHtml: true, htmlBytes: 1 }, jobs: allJobs('failed', 'complete') }), NOW, OPTS);
    assert.equal(statusOf(d).phase, 'Completed');
  });

  it('report.html above the ConfigMap budget: results say how to rebuild it', () => {
    const live = { ...following, state: state('done'), summary: liveSummary(RUN) };
    const d = decide(inPhase('Reporting', { live, report: { name: 'r1-report', hasHtml: false, htmlBytes: 1_000_000 } }), NOW, OPTS);
    assert.equal(statusOf(d).results?.reportNote,
      `report.html is 977 KiB, above the 900 KiB ConfigMap budget; rebuild it with incidentbench report r1 --from-kafka --kafka ${BOOTSTRAP}`);
    assert.equal(statusOf(d).results?.reportConfigMap, 'r1-report');
  });

  it('a report that could not be written: results without a ConfigMap, with the reason and the rebuild command', () => {
    const live = { ...following, state: state('done'), summary: liveSummary(RUN), reportError: 'metrics topic unreadable' };
    const r = statusOf(decide(inPhase('Reporting', { live }), NOW, OPTS)).results;
    assert.equal(r?.reportConfigMap, null);
    assert.match(r?.reportNote ?? '', /^the report could not be written \(metrics topic unreadable\); rebuild it with incidentbench report r1 --from-kafka/);
  });

  it('a worker Job still active 60 s after the coordinator finished is deleted with a Warning event; then Completed', () => {
    const live = { ...following, state: state('done'), summary: liveSummary(RUN) };
    const report = { name: 'r1-report', hasHtml: true, htmlBytes: 1 };
    const jobs = [job(names.coordinator, 'coordinator', 'complete', { finishedAtMs: NOW - 30_000 }), job(names.ingest, 'ingest', 'complete'), job(names.query, 'query', 'active')];
    const early = decide(inPhase('Reporting', { live, report, jobs }, { results: undefined }), NOW, OPTS);
    assert.ok(!kinds(early).some((k) => k.startsWith('deleteJob')));
    assert.equal(statusOf(early).phase, 'Reporting');
    assert.ok(early.requeueAfterMs !== null && early.requeueAfterMs <= 30_001);

    const late = inPhase('Reporting', { live, report, jobs: jobs.map((j) => (j.component === 'coordinator' ? { ...j, finishedAtMs: NOW - 61_000 } : j)) });
    const { first, second } = decideTwice(late);
    assert.ok(kinds(first).includes(`deleteJob:${names.query}`));
    assert.ok(events(first).some((e) => e.type === 'Warning' && e.reason === 'WorkerJobStopped' && e.message.includes(names.query)));
    assert.equal(statusOf(second).phase, 'Completed');
  });

  it('after a restart the status catches up with the coordinator: Preparing + stage "running" → Running, worker Jobs kept', () => {
    const d = decide(inPhase('Preparing', { jobs: allJobs(), live: { ...following, state: state('running') } }), NOW, OPTS);
    const s = statusOf(d);
    assert.equal(s.phase, 'Running');
    assert.equal(condition(s, 'Prepared').status, 'True');
    assert.equal(condition(s, 'WorkersReady').status, 'True');
    assert.ok(!kinds(d).some((k) => k.startsWith('createJob')));
  });

  it('Completed and Failed runs only stop following the live topic', () => {
    assert.deepEqual(kinds(decide(inPhase('Completed'), NOW, OPTS)), ['stopFollowing']);
    assert.deepEqual(kinds(decide(inPhase('Failed'), NOW, OPTS)), ['stopFollowing']);
    assert.equal(decide(inPhase('Completed'), NOW, OPTS).requeueAfterMs, null);
  });

  it('every step, decided twice on the same observation after applying, creates and announces nothing new', () => {
    const steps = [
      inPhase('Preparing', { live: { ...following, state: state('waiting') } }),
      inPhase('Initializing', { live: { ...following, state: state('running') } }),
      inPhase('Running', { live: { ...following, state: state('running'), point: livePoint(RUN, 10) } }),
      inPhase('Running', { live: { ...following, state: state('draining') } }),
      inPhase('Reporting', { live: { ...following, state: state('done'), summary: liveSummary(RUN) }, report: { name: 'r1-report', hasHtml: true, htmlBytes: 1 } }),
    ];
    for (const o of steps) {
      const { second } = decideTwice(o);
      const extra = kinds(second).filter((k) => k.startsWith('create') || k.startsWith('event') || k.startsWith('delete') || k === 'setStatus');
      assert.deepEqual(extra, [], `second decision in ${o.run.status?.phase}`);
    }
  });
});
