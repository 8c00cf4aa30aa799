// Drives the fake Kubernetes API server with the real @kubernetes/client-node APIs, so the operator and CLI tests
// built on it exercise the same HTTP the client speaks to a real cluster. Must not reach a real cluster.

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
  ApiException, BatchV1Api, CoreV1Api, CustomObjectsApi, Log, PatchStrategy, Watch, setHeaderOptions,
  type KubeConfig, type V1ConfigMap, type V1Job, type V1Pod,
} from '@kubernetes/client-node';
import { FakeKube, COMPLETION_INDEX, JOB_NAME_LABEL, type FakeObject } from '../../support/fake-kube/index.js';
import { writeKubeconfig, type TestKubeconfig } from '../../support/kubeconfig.js';

const G = { group: 'incidentbench.io', version: 'v1alpha1', plural: 'incidentbenchruns' };
const NS = 'bench';

interface Run {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; uid?: string; resourceVersion?: string; generation?: number; creationTimestamp?: string; deletionTimestamp?: string; labels?: Record<string, string>; finalizers?: string[] };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

function run(name: string, labels: Record<string, string> = {}): Run {
  return { apiVersion: 'incidentbench.io/v1alpha1', kind: 'IncidentBenchRun', metadata: { name, labels }, spec: { kafka: { bootstrapServers: 'k:9092' }, seed: 1 } };
}

function job(name: string, ownerUid?: string): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      labels: { 'incidentbench.io/run': 'r1' },
      ownerReferences: ownerUid ? [{ apiVersion: 'incidentbench.io/v1alpha1', kind: 'IncidentBenchRun', name: 'r1', uid: ownerUid, controller: true }] : undefined,
    },
    spec: {
      completions: 2,
      parallelism: 2,
      completionMode: 'Indexed',
      backoffLimit: 0,
      template: {
        metadata: { labels: { 'incidentbench.io/run': 'r1', 'app.kubernetes.io/component': 'ingest' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'worker', image: 'incidentbench:test' }] },
      },
    },
  };
}

async function statusOf(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected an ApiException, got ${String(err)}`);
    const body = JSON.parse(String(err.body)) as { kind: string; code: number; reason: string; message: string };
    assert.equal(body.kind, 'Status');
    assert.equal(body.code, err.code);
    return { code: err.code, reason: body.reason, message: body.message };
  }
  assert.fail('expected the request to fail');
}

/** Collects watch events; `next(n)` resolves once n events have arrived in total. */
class WatchRecorder {
  readonly events: { type: string; name: string; rv: string; obj: FakeObject }[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  done: Error | null | undefined;
  controller?: AbortController;

  onEvent = (type: string, obj: FakeObject): void => {
    this.events.push({ type, name: obj.metadata.name ?? '', rv: obj.metadata.resourceVersion ?? '', obj });
    this.waiters = this.waiters.filter((w) => (this.events.length >= w.n ? (w.resolve(), false) : true));
  };

  onDone = (err: Error | null): void => {
    this.done = err;
    for (const w of this.waiters) w.resolve();
  };

  until(n: number): Promise<void> {
    if (this.events.length >= n || this.done !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  seen(): string[] {
    return this.events.map((e) => `${e.type} ${e.name}`);
  }
}

describe('fake Kubernetes API server (driven by @kubernetes/client-node)', () => {
  let fake: FakeKube;
  let kc: TestKubeconfig;
  let custom: CustomObjectsApi;
  let batch: BatchV1Api;
  let core: CoreV1Api;
  let config: KubeConfig;

  beforeEach(async () => {
    fake = await FakeKube.start();
    kc = writeKubeconfig(fake.url, { namespace: NS });
    config = kc.kubeConfig;
    custom = config.makeApiClient(CustomObjectsApi);
    batch = config.makeApiClient(BatchV1Api);
    core = config.makeApiClient(CoreV1Api);
  });

  afterEach(async () => {
    await fake.close();
    kc.remove();
  });

  const createRun = (r: Run, namespace = NS): Promise<Run> => custom.createNamespacedCustomObject({ ...G, namespace, body: r }) as Promise<Run>;
  const getRun = (name: string): Promise<Run> => custom.getNamespacedCustomObject({ ...G, namespace: NS, name }) as Promise<Run>;

  describe('create, get and list', () => {
    it('creates a run with server-owned metadata and reads it back', async () => {
      const created = await createRun(run('r1'));
      assert.equal(created.metadata.namespace, NS);
      assert.match(created.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
      assert.match(created.metadata.resourceVersion ?? '', /^\d+$/);
      assert.equal(created.metadata.generation, 1);
      assert.match(created.metadata.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const got = await getRun('r1');
      assert.deepEqual(got, created);
      assert.deepEqual(fake.get('incidentbenchruns', NS, 'r1'), created);
    });

    it('answers 404 NotFound for a missing object and 409 AlreadyExists for a duplicate', async () => {
      const missing = await statusOf(getRun('nope'));
      assert.equal(missing.code, 404);
      assert.equal(missing.reason, 'NotFound');
      assert.match(missing.message, /incidentbenchruns.incidentbench.io "nope" not found/);
      await createRun(run('r1'));
      const dup = await statusOf(createRun(run('r1')));
      assert.equal(dup.code, 409);
      assert.equal(dup.reason, 'AlreadyExists');
    });

    it('names an object from generateName', async () => {
      const cm = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { generateName: 'plan-' }, data: { a: '1' } } });
      assert.match(cm.metadata?.name ?? '', /^plan-[a-z0-9]{5}$/);
      assert.equal(fake.objects('configmaps', NS).length, 1);
    });

    it('lists by equality label selector, per namespace and across namespaces', async () => {
      await createRun(run('a', { team: 'x', tier: '1' }));
      await createRun(run('b', { team: 'y' }));
      await createRun(run('c', { team: 'x' }), 'other');
      const inNs = (await custom.listNamespacedCustomObject({ ...G, namespace: NS })) as { items: Run[]; metadata: { resourceVersion: string } };
      assert.deepEqual(inNs.items.map((r) => r.metadata.name), ['a', 'b']);
      assert.equal(inNs.metadata.resourceVersion, fake.resourceVersion);
      const teamX = (await custom.listClusterCustomObject({ ...G, labelSelector: 'team=x' })) as { items: Run[] };
      assert.deepEqual(teamX.items.map((r) => `${r.metadata.namespace}/${r.metadata.name}`), ['bench/a', 'other/c']);
      const both = (await custom.listClusterCustomObject({ ...G, labelSelector: 'team=x,tier=1' })) as { items: Run[] };
      assert.deepEqual(both.items.map((r) => r.metadata.name), ['a']);
      const notX = (await custom.listNamespacedCustomObject({ ...G, namespace: NS, labelSelector: 'team!=x' })) as { items: Run[] };
      assert.deepEqual(notX.items.map((r) => r.metadata.name), ['b']);
    });

    it('refuses a malformed built-in object with 422 Invalid', async () => {
      const bad = { metadata: { name: 'bad' }, spec: { template: { spec: { containers: 'not-a-list' } } } } as unknown as V1Job;
      const st = await statusOf(batch.createNamespacedJob({ namespace: NS, body: bad }));
      assert.equal(st.code, 422);
      assert.equal(st.reason, 'Invalid');
    });

    it('refuses a run, or a run status, that breaks the CRD schema with 422 Invalid naming the field', async () => {
      const wrongSpec = await statusOf(createRun({ ...run('bad'), spec: { kafka: { bootstrapServers: 'k:9092' }, seed: -1 } } as Run));
      assert.equal(wrongSpec.code, 422);
      assert.match(wrongSpec.message ?? '', /\/spec\/seed/);
      const created = await createRun(run('r1'));
      const wrongStatus = await statusOf(custom.replaceNamespacedCustomObjectStatus({ ...G, namespace: NS, name: 'r1',
        body: { ...created, status: { phase: 'Sleeping' } } }));
      assert.equal(wrongStatus.code, 422);
      assert.match(wrongStatus.message ?? '', /\/status\/phase/);
    });
  });

  describe('replace and patch', () => {
    it('rejects a replace with a stale resourceVersion (409 Conflict) and accepts a fresh one', async () => {
      const created = await createRun(run('r1'));
      const fresh = await custom.replaceNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { ...created, spec: { ...created.spec, seed: 2 } } }) as Run;
      assert.notEqual(fresh.metadata.resourceVersion, created.metadata.resourceVersion);
      const stale = await statusOf(custom.replaceNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { ...created, spec: { ...created.spec, seed: 3 } } }));
      assert.equal(stale.code, 409);
      assert.equal(stale.reason, 'Conflict');
      assert.equal((await getRun('r1')).spec.seed, 2);
    });

    it('bumps generation on spec changes only', async () => {
      const created = await createRun(run('r1'));
      const labelled = await custom.patchNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { metadata: { labels: { a: 'b' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch)) as Run;
      assert.equal(labelled.metadata.generation, 1);
      assert.notEqual(labelled.metadata.resourceVersion, created.metadata.resourceVersion);
      const specChanged = await custom.patchNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { spec: { seed: 9 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch)) as Run;
      assert.equal(specChanged.metadata.generation, 2);
      assert.deepEqual(specChanged.spec, { kafka: { bootstrapServers: 'k:9092' }, seed: 9 });
    });

    it('applies JSON patches (client-node default) and merge patches, and refuses strategic merge on a custom resource', async () => {
      await createRun(run('r1'));
      const jp = await custom.patchNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: [{ op: 'add', path: '/metadata/finalizers', value: ['x/y'] }] }) as Run;
      assert.deepEqual(jp.metadata.finalizers, ['x/y']);
      const failedTest = await statusOf(custom.patchNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: [{ op: 'test', path: '/spec/seed', value: 5 }] }));
      assert.equal(failedTest.code, 422);
      const strategic = await statusOf(custom.patchNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { spec: { seed: 5 } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)));
      assert.equal(strategic.code, 415);
      const contentTypes = fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.contentType);
      assert.deepEqual(contentTypes, ['application/json-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json']);
    });

    it('treats a strategic merge patch of a built-in kind as a merge patch (null removes a key)', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'c' }, data: { a: '1', b: '2' } } });
      const patched = await core.patchNamespacedConfigMap({ namespace: NS, name: 'c', body: { data: { b: null, c: '3' } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
      assert.deepEqual(patched.data, { a: '1', c: '3' });
    });

    it('checks a resourceVersion given inside a merge patch', async () => {
      const created = await createRun(run('r1'));
      await custom.patchNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { spec: { seed: 4 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      const st = await statusOf(custom.patchNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { metadata: { resourceVersion: created.metadata.resourceVersion, finalizers: [] } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch)));
      assert.equal(st.code, 409);
    });
  });

  describe('status subresource', () => {
    it('changes only status through …/status, bumping resourceVersion but not generation', async () => {
      const created = await createRun(run('r1'));
      const body = { ...created, spec: { seed: 77 }, metadata: { ...created.metadata, labels: { ignored: 'yes' } }, status: { phase: 'Running' } };
      const updated = await custom.replaceNamespacedCustomObjectStatus({ ...G, namespace: NS, name: 'r1', body }) as Run;
      assert.deepEqual(updated.status, { phase: 'Running' });
      assert.deepEqual(updated.spec, created.spec);
      assert.deepEqual(updated.metadata.labels, {});
      assert.equal(updated.metadata.generation, 1);
      assert.notEqual(updated.metadata.resourceVersion, created.metadata.resourceVersion);
      const stale = await statusOf(custom.replaceNamespacedCustomObjectStatus({ ...G, namespace: NS, name: 'r1', body: { ...created, status: { phase: 'Failed' } } }));
      assert.equal(stale.code, 409);
      const merged = await custom.patchNamespacedCustomObjectStatus({ ...G, namespace: NS, name: 'r1', body: { status: { runId: 'x' }, spec: { seed: 1000 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch)) as Run;
      assert.deepEqual(merged.status, { phase: 'Running', runId: 'x' });
      assert.equal(merged.spec.seed, 1);
    });

    it('ignores status on create and on writes to the main resource', async () => {
      const created = await createRun({ ...run('r1'), status: { phase: 'Completed' } });
      assert.equal(created.status, undefined);
      fake.update<Run>('incidentbenchruns', NS, 'r1', (r) => { r.status = { phase: 'Running' }; });
      const current = await getRun('r1');
      const replaced = await custom.replaceNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { ...current, status: { phase: 'Failed' } } }) as Run;
      assert.deepEqual(replaced.status, { phase: 'Running' });
    });
  });

  describe('deletion', () => {
    it('removes an object without finalizers at once', async () => {
      await createRun(run('r1'));
      await custom.deleteNamespacedCustomObject({ ...G, namespace: NS, name: 'r1' });
      assert.equal(fake.get('incidentbenchruns', NS, 'r1'), undefined);
      assert.equal((await statusOf(custom.deleteNamespacedCustomObject({ ...G, namespace: NS, name: 'r1' }))).code, 404);
    });

    it('keeps an object with finalizers (deletionTimestamp set) until an update empties them', async () => {
      await createRun({ ...run('r1'), metadata: { name: 'r1', finalizers: ['incidentbench.io/cleanup'] } });
      await custom.deleteNamespacedCustomObject({ ...G, namespace: NS, name: 'r1' });
      const deleting = await getRun('r1');
      assert.match(deleting.metadata.deletionTimestamp ?? '', /Z$/);
      await custom.deleteNamespacedCustomObject({ ...G, namespace: NS, name: 'r1' });
      assert.equal((await getRun('r1')).metadata.deletionTimestamp, deleting.metadata.deletionTimestamp);
      await custom.patchNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { metadata: { finalizers: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      assert.equal((await statusOf(getRun('r1'))).code, 404);
    });

    it('cascades to owned objects recursively, respecting their finalizers', async () => {
      const owner = await createRun(run('r1'));
      const uid = owner.metadata.uid!;
      const ownerRef = [{ apiVersion: 'incidentbench.io/v1alpha1', kind: 'IncidentBenchRun', name: 'r1', uid, controller: true }];
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'r1-plan', ownerReferences: ownerRef }, data: {} } });
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'kept', ownerReferences: ownerRef, finalizers: ['x/hold'] }, data: {} } });
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'unrelated' }, data: {} } });
      const j = await batch.createNamespacedJob({ namespace: NS, body: job('r1-ingest', uid) });
      const pods = fake.simulatePods(j as FakeObject);
      assert.equal(pods.length, 2);
      await custom.deleteNamespacedCustomObject({ ...G, namespace: NS, name: 'r1' });
      assert.deepEqual(fake.objects('jobs', NS), []);
      assert.deepEqual(fake.objects('pods', NS), []);
      const left = fake.objects('configmaps', NS);
      assert.deepEqual(left.map((c) => c.metadata.name), ['kept', 'unrelated']);
      assert.ok(left[0]!.metadata.deletionTimestamp);
    });

    it('honours delete preconditions', async () => {
      const created = await createRun(run('r1'));
      const st = await statusOf(custom.deleteNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { preconditions: { uid: 'other' } } }));
      assert.equal(st.code, 409);
      await custom.deleteNamespacedCustomObject({ ...G, namespace: NS, name: 'r1', body: { preconditions: { uid: created.metadata.uid } } });
      assert.equal(fake.get('incidentbenchruns', NS, 'r1'), undefined);
    });
  });

  describe('watch', () => {
    let recorder: WatchRecorder;
    beforeEach(() => { recorder = new WatchRecorder(); });
    afterEach(() => { recorder.controller?.abort(); });

    const watch = async (path: string, params: Record<string, string> = {}): Promise<void> => {
      recorder.controller = await new Watch(config).watch(path, params, recorder.onEvent, recorder.onDone);
    };

    it('streams ADDED, MODIFIED and DELETED in order, with the current objects first', async () => {
      await createRun(run('a'));
      await watch(`/apis/incidentbench.io/v1alpha1/namespaces/${NS}/incidentbenchruns`);
      await recorder.until(1);
      await createRun({ ...run('b'), metadata: { name: 'b', finalizers: ['f/x'] } });
      await custom.patchNamespacedCustomObjectStatus({ ...G, namespace: NS, name: 'b', body: { status: { phase: 'Running' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      await custom.deleteNamespacedCustomObject({ ...G, namespace: NS, name: 'b' });
      fake.update<Run>('incidentbenchruns', NS, 'b', (r) => { r.metadata.finalizers = []; });
      await createRun(run('elsewhere'), 'other');
      await recorder.until(6);
      assert.deepEqual(recorder.seen(), ['ADDED a', 'ADDED b', 'MODIFIED b', 'MODIFIED b', 'MODIFIED b', 'DELETED b']);
      assert.ok(recorder.events[3]!.obj.metadata.deletionTimestamp);
      const rvs = recorder.events.slice(1).map((e) => Number(e.rv));
      assert.deepEqual(rvs, [...rvs].sort((x, y) => x - y));
    });

    it('resumes after a resourceVersion and filters by label selector across namespaces', async () => {
      const first = await createRun(run('old', { w: 'yes' }));
      await createRun(run('new1', { w: 'yes' }));
      await createRun(run('skip', { w: 'no' }), 'other');
      await watch('/apis/incidentbench.io/v1alpha1/incidentbenchruns', { resourceVersion: first.metadata.resourceVersion!, labelSelector: 'w=yes' });
      await createRun(run('new2', { w: 'yes' }), 'other');
      await recorder.until(2);
      assert.deepEqual(recorder.seen(), ['ADDED new1', 'ADDED new2']);
    });

    it('turns label changes into ADDED/DELETED for a selecting watcher', async () => {
      await createRun(run('r', { w: 'no' }));
      await watch(`/apis/incidentbench.io/v1alpha1/namespaces/${NS}/incidentbenchruns`, { labelSelector: 'w=yes' });
      fake.update<Run>('incidentbenchruns', NS, 'r', (o) => { o.metadata.labels = { w: 'yes' }; });
      fake.update<Run>('incidentbenchruns', NS, 'r', (o) => { o.metadata.labels = { w: 'no' }; });
      await recorder.until(2);
      assert.deepEqual(recorder.seen(), ['ADDED r', 'DELETED r']);
    });

    it('watches Jobs with a label selector and ends the stream when the server closes watches', async () => {
      await watch(`/apis/batch/v1/namespaces/${NS}/jobs`, { labelSelector: 'incidentbench.io/run=r1' });
      await batch.createNamespacedJob({ namespace: NS, body: job('r1-ingest') });
      await batch.createNamespacedJob({ namespace: NS, body: { ...job('x-ingest'), metadata: { name: 'x-ingest', labels: { 'incidentbench.io/run': 'x' } } } });
      fake.update<V1Job & FakeObject>('jobs', NS, 'r1-ingest', (j) => { j.status = { succeeded: 2, conditions: [{ type: 'Complete', status: 'True' }] }; });
      await recorder.until(2);
      assert.deepEqual(recorder.seen(), ['ADDED r1-ingest', 'MODIFIED r1-ingest']);
      assert.equal(fake.openWatches, 1);
      fake.closeWatches();
      await recorder.until(Infinity);
      assert.equal(recorder.done, null);
    });

    it('answers an expired resourceVersion with an ERROR 410 event', async () => {
      const first = await createRun(run('a'));
      await createRun(run('b'));
      fake.expireWatchHistory();
      await watch(`/apis/incidentbench.io/v1alpha1/namespaces/${NS}/incidentbenchruns`, { resourceVersion: first.metadata.resourceVersion! });
      await recorder.until(1);
      assert.equal(recorder.events[0]!.type, 'ERROR');
      assert.equal((recorder.events[0]!.obj as unknown as { code: number }).code, 410);
    });
  });

  describe('pod logs', () => {
    let pod: V1Pod;
    beforeEach(async () => {
      const j = await batch.createNamespacedJob({ namespace: NS, body: job('r1-ingest') });
      pod = fake.simulatePods(j as FakeObject, { indexes: [1] })[0] as V1Pod;
    });

    it('gives simulated pods the Job controller labels and completion index', () => {
      assert.equal(pod.metadata?.labels?.[JOB_NAME_LABEL], 'r1-ingest');
      assert.equal(pod.metadata?.labels?.['incidentbench.io/run'], 'r1');
      assert.equal(pod.metadata?.annotations?.[COMPLETION_INDEX], '1');
      assert.match(pod.metadata?.name ?? '', /^r1-ingest-1-[a-z0-9]{5}$/);
      assert.equal(pod.status?.phase, 'Running');
    });

    it('reads a pod log, whole and with tailLines; 404 for an unknown pod', async () => {
      fake.setPodLog(NS, pod.metadata!.name!, 'one\ntwo\nthree\n');
      assert.equal(await core.readNamespacedPodLog({ namespace: NS, name: pod.metadata!.name! }), 'one\ntwo\nthree\n');
      assert.equal(await core.readNamespacedPodLog({ namespace: NS, name: pod.metadata!.name!, tailLines: 2 }), 'two\nthree\n');
      assert.equal((await statusOf(core.readNamespacedPodLog({ namespace: NS, name: 'ghost' }))).code, 404);
      assert.equal((await statusOf(core.readNamespacedPodLog({ namespace: NS, name: pod.metadata!.name!, container: 'nope' }))).code, 400);
      assert.equal(await core.readNamespacedPodLog({ namespace: NS, name: pod.metadata!.name!, container: 'worker', tailLines: 1 }), 'three\n');
    });

    it('follows a log until the pod finishes', async () => {
      const name = pod.metadata!.name!;
      fake.setPodLog(NS, name, 'start\n');
      const out = new PassThrough();
      let text = '';
      const ended = new Promise<void>((resolve) => out.on('end', resolve));
      const gotFirst = new Promise<void>((resolve) => out.on('data', (d: Buffer) => { text += d.toString(); if (text.includes('start')) resolve(); }));
      out.resume();
      await new Log(config).log(NS, name, 'worker', out, { follow: true });
      await gotFirst;
      fake.appendPodLog(NS, name, 'more\n');
      fake.update<V1Pod & FakeObject>('pods', NS, name, (p) => { p.status = { ...p.status, phase: 'Succeeded' }; });
      await ended;
      assert.equal(text, 'start\nmore\n');
      assert.equal(fake.logFollowers, 0);
    });
  });

  describe('test controls', () => {
    it('injects one failure for a matching request, then answers normally', async () => {
      await createRun(run('r1'));
      fake.failNext('GET', /incidentbenchruns\/r1$/, 500);
      const st = await statusOf(getRun('r1'));
      assert.equal(st.code, 500);
      assert.equal(st.reason, 'InternalError');
      assert.equal((await getRun('r1')).metadata.name, 'r1');
    });

    it('records requests with method, path, query and content type', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'c' } } as V1ConfigMap });
      await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'a=b' });
      assert.deepEqual(fake.requests.map((r) => [r.method, r.path, r.query.labelSelector ?? '', r.contentType]), [
        ['POST', `/api/v1/namespaces/${NS}/configmaps`, '', 'application/json'],
        ['GET', `/api/v1/namespaces/${NS}/configmaps`, 'a=b', ''],
      ]);
    });

    it('puts objects directly (status included) and waits for a change', async () => {
      const later = fake.waitFor(() => fake.get<V1Job>('jobs', NS, 'j')?.status?.failed, 'job j failed');
      fake.put({ ...job('j'), metadata: { name: 'j', namespace: NS }, status: { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } });
      assert.equal(await later, 1);
      const read = await batch.readNamespacedJob({ namespace: NS, name: 'j' });
      assert.equal(read.status?.conditions?.[0]?.reason, 'BackoffLimitExceeded');
    });

    it('accepts core/v1 and events.k8s.io/v1 events', async () => {
      await core.createNamespacedEvent({ namespace: NS, body: { metadata: { name: 'e1' }, involvedObject: { kind: 'IncidentBenchRun', name: 'r1', namespace: NS }, reason: 'Created', message: 'm', type: 'Normal' } });
      assert.equal(fake.objects('events', NS).length, 1);
    });
  });

  it('requires the bearer token when started with one', async () => {
    const secured = await FakeKube.start({ token: 's3cret' });
    const good = writeKubeconfig(secured.url, { token: 's3cret' });
    const bad = writeKubeconfig(secured.url, { token: 'wrong' });
    try {
      const list = await good.kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS });
      assert.deepEqual(list.items, []);
      await assert.rejects(bad.kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS }), (e: unknown) => e instanceof ApiException && e.code === 401);
    } finally {
      good.remove();
      bad.remove();
      await secured.close();
    }
  });
});
