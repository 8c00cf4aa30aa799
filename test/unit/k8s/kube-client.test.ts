// KubeClient (KubeApi over @kubernetes/client-node) against the fake API server: kubeconfig loading, every
// operation, conflicts, watches and error mapping. Must not reach a real cluster.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Job } from '@kubernetes/client-node';
import { UsageError } from '../../../src/core/errors.js';
import { KubeApiError, type WatchEventType } from '../../../src/control/k8s/kube-api.js';
import { KubeClient } from '../../../src/control/k8s/kube-client.js';
import { loadKubeconfig } from '../../../src/control/k8s/kube-client-config.js';
import { FINALIZER, type IncidentBenchRun } from '../../../src/control/k8s/run-resource.js';
import { FakeKube, type FakeObject } from '../../support/fake-kube/index.js';
import { writeKubeconfig, type TestKubeconfig } from '../../support/kubeconfig.js';

const NS = 'bench';

function run(name: string): IncidentBenchRun {
  return { apiVersion: 'incidentbench.io/v1alpha1', kind: 'IncidentBenchRun', metadata: { name, namespace: NS }, spec: { kafka: { bootstrapServers: 'k:9092' } } };
}

function job(name: string, run = 'r1'): V1Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name, labels: { 'incidentbench.io/run': run } },
    spec: {
      completions: 1, completionMode: 'Indexed', backoffLimit: 0,
      template: { metadata: { labels: { 'incidentbench.io/run': run } }, spec: { restartPolicy: 'Never', containers: [{ name: 'worker', image: 'incidentbench:test' }] } },
    },
  };
}

async function kubeError(p: Promise<unknown>): Promise<KubeApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof KubeApiError, `expected KubeApiError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/);
    return err;
  }
  assert.fail('expected a KubeApiError');
}

describe('KubeClient (client-node implementation of KubeApi)', () => {
  let fake: FakeKube;
  let kc: TestKubeconfig;
  let client: KubeClient;

  beforeEach(async () => {
    fake = await FakeKube.start();
    kc = writeKubeconfig(fake.url, { namespace: NS, extraContexts: [{ name: 'second', namespace: 'elsewhere' }] });
    client = KubeClient.fromKubeconfig({ kubeconfig: kc.path });
  });

  afterEach(async () => {
    await fake.close();
    kc.remove();
  });

  describe('loading the kubeconfig', () => {
    it('takes the namespace from the context unless one is given, and switches context on request', () => {
      assert.equal(client.defaultNamespace, NS);
      assert.equal(KubeClient.fromKubeconfig({ kubeconfig: kc.path, namespace: 'x' }).defaultNamespace, 'x');
      assert.equal(KubeClient.fromKubeconfig({ kubeconfig: kc.path, context: 'second' }).defaultNamespace, 'elsewhere');
    });

    it('falls back to "default" when the context names no namespace', () => {
      const bare = writeKubeconfig(fake.url);
      try {
        assert.equal(KubeClient.fromKubeconfig({ kubeconfig: bare.path }).defaultNamespace, 'default');
      } finally {
        bare.remove();
      }
    });

    it('reads KUBECONFIG when no file is passed', () => {
      assert.equal(loadKubeconfig({}, { KUBECONFIG: kc.path }).namespace, NS);
    });

    it('says in one line that no cluster is configured and where it looked', () => {
      const home = mkdtempSync(join(tmpdir(), 'ib-home-'));
      try {
        assert.throws(() => loadKubeconfig({}, { HOME: home }), (e: unknown) => e instanceof UsageError
          && /^no Kubernetes cluster configured: set KUBECONFIG or pass --kubeconfig; looked in .*\.kube\/config/.test(e.message) && !e.message.includes('\n'));
        assert.throws(() => loadKubeconfig({}, { HOME: home, KUBECONFIG: join(home, 'nope') }), /KUBECONFIG names ".*nope"/);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });

    it('rejects a missing --kubeconfig file and an unknown context (with a suggestion)', () => {
      assert.throws(() => KubeClient.fromKubeconfig({ kubeconfig: '/no/such/kubeconfig' }), /kubeconfig file "\/no\/such\/kubeconfig" does not exist/);
      assert.throws(() => KubeClient.fromKubeconfig({ kubeconfig: kc.path, context: 'secnd' }), /context "secnd" is not in the kubeconfig; expected one of "fake", "second" \(did you mean "second"\?\)/);
    });
  });

  describe('runs', () => {
    it('creates, gets, lists and deletes runs; missing ones are null/false', async () => {
      const created = await client.createRun(run('r1'));
      assert.ok(created.metadata.uid);
      assert.equal((await client.getRun(NS, 'r1'))?.metadata.uid, created.metadata.uid);
      assert.equal(await client.getRun(NS, 'nope'), null);
      await client.createRun({ ...run('r2'), metadata: { name: 'r2', namespace: 'other' } });
      assert.deepEqual((await client.listRuns(NS)).map((r) => r.metadata.name), ['r1']);
      assert.deepEqual((await client.listRuns()).map((r) => r.metadata.name), ['r1', 'r2']);
      assert.equal(await client.deleteRun(NS, 'r1'), true);
      assert.equal(await client.deleteRun(NS, 'r1'), false);
    });

    it('sets finalizers with a merge patch guarded by resourceVersion', async () => {
      const created = await client.createRun(run('r1'));
      const withFinalizer = await client.setRunFinalizers(created, [FINALIZER]);
      assert.deepEqual(withFinalizer.metadata.finalizers, [FINALIZER]);
      assert.equal(fake.requests.find((r) => r.method === 'PATCH')?.contentType, 'application/merge-patch+json');
      const err = await kubeError(client.setRunFinalizers(created, []));
      assert.ok(err.conflict);
      assert.match(err.message, /set the finalizers of IncidentBenchRun bench\/r1/);
      await client.deleteRun(NS, 'r1');
      assert.ok((await client.getRun(NS, 'r1'))?.metadata.deletionTimestamp);
      await client.setRunFinalizers((await client.getRun(NS, 'r1'))!, []);
      assert.equal(await client.getRun(NS, 'r1'), null);
    });

    it('replaces the status through the status subresource, refusing a stale run', async () => {
      const created = await client.createRun(run('r1'));
      const updated = await client.replaceRunStatus(created, { phase: 'Preparing' });
      assert.equal(updated.status?.phase, 'Preparing');
      assert.equal(updated.metadata.generation, 1);
      assert.ok(fake.requests.some((r) => r.method === 'PUT' && r.path.endsWith('/incidentbenchruns/r1/status')));
      const err = await kubeError(client.replaceRunStatus(created, { phase: 'Failed' }));
      assert.ok(err.conflict);
      assert.equal(fake.get<IncidentBenchRun>('incidentbenchruns', NS, 'r1')?.status?.phase, 'Preparing');
    });

    it('watches runs, reports the end of the stream, and stays quiet after stop()', async () => {
      const seen: string[] = [];
      let ended: ((err: Error | null) => void) | undefined;
      const done = new Promise<Error | null>((resolve) => { ended = resolve; });
      let wake: (() => void) | undefined;
      const handle = await client.watchRuns(NS, (type: WatchEventType, r) => { seen.push(`${type} ${r.metadata.name}`); wake?.(); }, (err) => ended!(err));
      const twoEvents = new Promise<void>((resolve) => { wake = () => { if (seen.length >= 2) resolve(); }; });
      const created = await client.createRun(run('r1'));
      await client.replaceRunStatus(created, { phase: 'Pending' });
      await twoEvents;
      assert.deepEqual(seen, ['ADDED r1', 'MODIFIED r1']);
      fake.closeWatches();
      assert.equal(await done, null);
      handle.stop();

      let calledAfterStop = false;
      const quiet = await client.watchRuns(undefined, () => undefined, () => { calledAfterStop = true; });
      let witnessEnded: (() => void) | undefined;
      const witnessDone = new Promise<void>((resolve) => { witnessEnded = resolve; });
      await client.watchRuns(NS, () => undefined, () => witnessEnded!());
      quiet.stop();
      fake.closeWatches();
      await witnessDone;
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(calledAfterStop, false);
    });

    it('ends a watch from an expired resourceVersion with a 410 KubeApiError', async () => {
      const created = await client.createRun(run('r1'));
      await client.createRun(run('r2'));
      fake.expireWatchHistory();
      const err = await new Promise<Error | null>((resolve) => {
        void client.watchRuns(NS, () => undefined, resolve, created.metadata.resourceVersion);
      });
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.status, 410);
    });
  });

  describe('jobs, pods, config maps, secrets, events', () => {
    it('creates Jobs idempotently, lists them by label and deletes them with their pods', async () => {
      assert.equal(await client.createJob(NS, job('r1-ingest')), true);
      assert.equal(await client.createJob(NS, job('r1-ingest')), false);
      await client.createJob(NS, job('x-ingest', 'x'));
      assert.deepEqual((await client.listJobs(NS, 'incidentbench.io/run=r1')).map((j) => j.metadata?.name), ['r1-ingest']);
      fake.simulatePods({ namespace: NS, name: 'r1-ingest' });
      assert.equal((await client.listPods(NS, 'incidentbench.io/run=r1')).length, 1);
      await client.deleteJob(NS, 'r1-ingest');
      await client.deleteJob(NS, 'r1-ingest');
      assert.deepEqual(fake.objects('pods', NS), []);
      assert.equal(fake.requests.find((r) => r.method === 'DELETE')?.query.propagationPolicy, 'Background');
    });

    it('watches Jobs by label with client-node types (dates as Date)', async () => {
      const jobs: V1Job[] = [];
      const got = new Promise<void>((resolve) => {
        void client.watchJobs(NS, 'incidentbench.io/run=r1', (_t, j) => { jobs.push(j); resolve(); }, () => undefined);
      });
      await client.createJob(NS, job('x-ingest', 'x'));
      await client.createJob(NS, job('r1-ingest'));
      await got;
      assert.equal(jobs[0]!.metadata?.name, 'r1-ingest');
      assert.ok(jobs[0]!.metadata?.creationTimestamp instanceof Date);
    });

    it('reads pod logs (tail) and follows one until the pod ends', async () => {
      await client.createJob(NS, job('r1-coordinator'));
      const [pod] = fake.simulatePods({ namespace: NS, name: 'r1-coordinator' });
      const name = pod!.metadata.name!;
      fake.setPodLog(NS, name, 'a\nb\nc\n');
      let text = '';
      await client.readPodLog(NS, name, { tailLines: 1 }, (c) => { text += c; });
      assert.equal(text, 'c\n');
      let followed = '';
      let first: (() => void) | undefined;
      const started = new Promise<void>((resolve) => { first = resolve; });
      const following = client.readPodLog(NS, name, { follow: true }, (c) => { followed += c; first?.(); });
      await started;
      fake.appendPodLog(NS, name, 'd\n');
      fake.update<FakeObject>('pods', NS, name, (p) => { p.status = { phase: 'Succeeded' }; });
      await following;
      assert.equal(followed, 'a\nb\nc\nd\n');
      assert.equal(fake.requests.find((r) => r.path.endsWith('/log') && r.query.follow === 'true')?.query.container, 'worker');
      const err = await kubeError(client.readPodLog(NS, 'ghost', {}, () => undefined));
      assert.ok(err.notFound);
    });

    it('gets and creates ConfigMaps, decodes Secrets, and creates Events', async () => {
      assert.equal(await client.getConfigMap(NS, 'r1-plan'), null);
      assert.equal(await client.createConfigMap(NS, { metadata: { name: 'r1-plan' }, data: { 'plan.json': '{}' } }), true);
      assert.equal(await client.createConfigMap(NS, { metadata: { name: 'r1-plan' }, data: {} }), false);
      assert.deepEqual((await client.getConfigMap(NS, 'r1-plan'))?.data, { 'plan.json': '{}' });
      assert.equal(await client.getSecret(NS, 'creds'), null);
      fake.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: NS }, data: { PASSWORD: Buffer.from('hunter2').toString('base64') } });
      assert.deepEqual(await client.getSecret(NS, 'creds'), { PASSWORD: 'hunter2' });
      await client.createEvent(NS, { metadata: { generateName: 'r1.' }, involvedObject: { kind: 'IncidentBenchRun', name: 'r1', namespace: NS }, reason: 'Started', message: 'm', type: 'Normal' });
      assert.equal(fake.objects('events', NS)[0]?.reason, 'Started');
    });
  });

  describe('errors', () => {
    it('maps a server failure to KubeApiError with status, reason, verb and object', async () => {
      fake.failNext('GET', /incidentbenchruns\/r1$/, 500);
      const err = await kubeError(client.getRun(NS, 'r1'));
      assert.equal(err.status, 500);
      assert.equal(err.reason, 'InternalError');
      assert.match(err.message, /^cannot get IncidentBenchRun bench\/r1: injected failure \(500\) \(HTTP 500 InternalError\)$/);
      fake.failNext('POST', /jobs$/, 403);
      const forbidden = await kubeError(client.createJob(NS, job('j')));
      assert.equal(forbidden.status, 403);
      assert.match(forbidden.message, /cannot create Job bench\/j/);
    });

    it('reports an unreachable API server as status 0 in one line', async () => {
      const url = fake.url;
      await fake.close();
      const offlineConfig = writeKubeconfig(url, { namespace: NS });
      const offline = KubeClient.fromKubeconfig({ kubeconfig: offlineConfig.path });
      const err = await kubeError(offline.listRuns(NS)).finally(() => offlineConfig.remove());
      assert.equal(err.status, 0);
      assert.match(err.message, /cannot list IncidentBenchRuns in namespace bench: the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+ did not answer/);
    });
  });
});
