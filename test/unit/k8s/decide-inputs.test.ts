import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { ManualTimers } from '../../../src/core/timers.js';
import { startHealthServer } from '../../../src/control/k8s/health-server.js';
import { observedJob, observedPod, observedReport, ownedBy } from '../../../src/control/k8s/observed-objects.js';
import { reportConfigMap } from '../../../src/control/k8s/report-configmap.js';
import { RunQueue } from '../../../src/control/k8s/run-queue.js';
import { REPORT_KEYS } from '../../../src/control/k8s/run-resource.js';
import { testRun, UID } from './decide-fixture.js';

describe('decide inputs: what the operator observes and writes', () => {
  it('a Job: counts, Complete/Failed conditions, finish time, component label', () => {
    const done: V1Job = {
      metadata: { name: 'r1-ingest', labels: { 'app.kubernetes.io/component': 'ingest' }, creationTimestamp: new Date('2026-03-01T11:00:00Z') },
      status: { succeeded: 2, completionTime: new Date('2026-03-01T11:05:00Z'), conditions: [{ type: 'Complete', status: 'True' }] },
    };
    assert.deepEqual(observedJob(done), {
      name: 'r1-ingest', component: 'ingest', active: 0, succeeded: 2, failed: 0, complete: true, failedCondition: null,
      finishedAtMs: Date.parse('2026-03-01T11:05:00Z'), createdAtMs: Date.parse('2026-03-01T11:00:00Z'), deleting: false,
    });
    const failed = observedJob({ metadata: { name: 'r1-coordinator' }, status: { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'limit', lastTransitionTime: new Date('2026-03-01T11:06:00Z') }] } });
    assert.deepEqual(failed.failedCondition, { reason: 'BackoffLimitExceeded', message: 'limit' });
    assert.equal(failed.finishedAtMs, Date.parse('2026-03-01T11:06:00Z'));
  });

  it('a pod: waiting reason since the pod started (crash loops: since the last exit), the failed container\'s termination message', () => {
    const pull: V1Pod = {
      metadata: { name: 'r1-ingest-0-x', labels: { 'job-name': 'r1-ingest' } },
      status: { phase: 'Pending', startTime: new Date('2026-03-01T11:00:00Z'), containerStatuses: [
        { name: 'worker', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } }] },
    };
    assert.deepEqual(observedPod(pull).waiting, { container: 'worker', reason: 'ImagePullBackOff', message: 'not found', sinceMs: Date.parse('2026-03-01T11:00:00Z') });
    assert.equal(observedPod(pull).jobName, 'r1-ingest');
    const loop: V1Pod = { metadata: { name: 'p' }, status: { startTime: new Date('2026-03-01T11:00:00Z'), containerStatuses: [
      { name: 'c', image: 'i', imageID: '', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, finishedAt: new Date('2026-03-01T11:03:00Z') } } }] } };
    assert.equal(observedPod(loop).waiting?.sinceMs, Date.parse('2026-03-01T11:03:00Z'));
    const dead: V1Pod = { metadata: { name: 'p' }, status: { phase: 'Failed', containerStatuses: [
      { name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error', message: 'Kafka unreachable' } } }] } };
    assert.deepEqual(observedPod(dead).terminated, { container: 'c', exitCode: 1, reason: 'Error', message: 'Kafka unreachable' });
  });

  it('children of another run of the same name (another uid) are not this run\'s', () => {
    const run = testRun();
    assert.equal(ownedBy({ metadata: { ownerReferences: [{ uid: UID, controller: true }] } }, run), true);
    assert.equal(ownedBy({ metadata: { ownerReferences: [{ uid: 'other', controller: true }] } }, run), false);
  });

  it('the report ConfigMap holds run.json and report.html gzip, and only run.json above the 900 KiB budget', () => {
    const run = testRun();
    const small = reportConfigMap(run, '{"run":{}}', '<html>ok</html>');
    assert.equal(small.hasHtml, true);
    assert.equal(gunzipSync(Buffer.from(small.configMap.binaryData![REPORT_KEYS.reportHtml]!, 'base64')).toString(), '<html>ok</html>');
    assert.equal(small.configMap.metadata?.ownerReferences?.[0]?.uid, UID);
    assert.deepEqual(observedReport(small.configMap), { name: 'r1-report', hasHtml: true, htmlBytes: small.htmlGzBytes });
    // Random base64 compresses to about 3/4: 1.6 M characters stay above the budget once gzipped.
    const noise = randomBytes(1_200_000).toString('base64');
    const big = reportConfigMap(run, '{"run":{}}', noise);
    assert.equal(big.hasHtml, false);
    assert.equal(big.configMap.binaryData![REPORT_KEYS.reportHtml], undefined);
    assert.ok(big.configMap.binaryData![REPORT_KEYS.runJson]);
    const seen = observedReport(big.configMap);
    assert.equal(seen.hasHtml, false);
    assert.ok(seen.htmlBytes !== null && seen.htmlBytes > 900 * 1024);
  });

  it('the run queue runs one pass at a time per run, coalesces triggers, and keeps the earliest requeue', async () => {
    const timers = new ManualTimers(0);
    const calls: string[] = [];
    let release: () => void = () => undefined;
    const queue = new RunQueue(timers, async (key) => {
      calls.push(key);
      if (calls.length === 1) await new Promise<void>((r) => { release = r; });
      return key === 'a' ? 1000 : null;
    });
    queue.trigger('a');
    queue.trigger('a');
    queue.trigger('a');
    release();
    await queue.idle();
    assert.deepEqual(calls, ['a', 'a'], 'three triggers during a pass → one more pass');
    queue.after('a', 200);
    timers.advance(200);
    await queue.idle();
    assert.equal(calls.length, 3, 'the earlier requeue (200 ms) replaced the later one (1000 ms)');
    timers.advance(999);
    await queue.idle();
    assert.equal(calls.length, 3);
    timers.advance(1);
    await queue.idle();
    assert.equal(calls.length, 4);
    queue.stop();
  });

  it('/healthz answers while alive, /readyz only once ready', async () => {
    let ready = false;
    const server = await startHealthServer({ live: () => true, ready: () => ready }, 0, '127.0.0.1');
    const get = (path: string): Promise<number> => new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).end();
    });
    try {
      assert.deepEqual([await get('/healthz'), await get('/readyz'), await get('/other')], [200, 503, 404]);
      ready = true;
      assert.equal(await get('/readyz'), 200);
    } finally {
      await server.close();
    }
  });
});
