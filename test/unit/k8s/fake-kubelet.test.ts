// The fake kubelet (test/support/fake-kube/kubelet.ts) against the fake API server, with a stub in place of the CLI:
// the run's real Job objects become pods and processes with the environment, volumes and status a cluster gives them.
// Must not start anything but the stub.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { COORDINATOR_RESULTS_DIR, runObjects, type RunObjects } from '../../../src/control/k8s/run-objects.js';
import { FakeKube, FakeKubelet } from '../../support/fake-kube/index.js';
import { fallbackLogMessage } from '../../support/fake-kube/pod-status.js';
import { shippedPlan } from './k8s-test-plans.js';

const NS = 'bench';
const SECRET = 'creds';

/** Prints what it got, then does what $STUB_<role> says: `exit:<code>` (after 100 lines, the last an error) or `hang`. */
const STUB = `
import { readFileSync } from 'node:fs';
const args = process.argv.slice(2);
const role = args[0] === 'worker' ? args[2] : args[0];
const plan = JSON.parse(readFileSync(args[args.indexOf('--plan') + 1], 'utf8'));
console.log(JSON.stringify({ role, args, index: process.env.JOB_COMPLETION_INDEX ?? null, password: process.env.CLICKHOUSE_PASSWORD ?? null,
  ibRun: process.env.IB_RUN ?? null, extra: process.env.EXTRA ?? null, planRun: plan.run.name, cwd: process.cwd() }));
const mode = process.env['STUB_' + role] ?? 'exit:0';
if (mode === 'hang') {
  process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(143); });
  setInterval(() => undefined, 1000);
  console.log('hanging');
} else {
  const code = Number(mode.slice(5));
  if (code !== 0) {
    for (let i = 1; i <= 99; i++) console.log('line ' + i);
    console.error('error: stub failed with ' + code);
  }
  process.exitCode = code;
}
`;

describe('fake kubelet: Jobs of the fake API server run as processes', function () {
  this.timeout(20_000);
  let dir: string;
  let stub: string;
  let fake: FakeKube;
  let kubelet: FakeKubelet | null = null;
  let objects: RunObjects;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ib-kubelet-test-'));
    stub = join(dir, 'stub.mjs');
    writeFileSync(stub, STUB);
    const plan = shippedPlan('smoke', { run: 'kl1', ingestWorkers: 2, threads: 1, queryWorkers: 1 });
    objects = runObjects(plan, { namespace: NS, image: 'incidentbench:test', credentialsSecret: SECRET });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    fake = await FakeKube.start();
    fake.put(objects.planConfigMap);
  });
  afterEach(async () => {
    await kubelet?.stop();
    kubelet = null;
    await fake.close();
  });

  function start(env: Record<string, string> = {}): FakeKubelet {
    kubelet = FakeKubelet.start({ fake, cliPath: stub, workDir: join(dir, 'pods'), env: { EXTRA: 'x', ...env }, nodeArgs: [] });
    return kubelet;
  }
  const putSecret = () => fake.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: SECRET, namespace: NS },
    data: { CLICKHOUSE_PASSWORD: Buffer.from('pw').toString('base64') } });
  const jobCondition = (name: string, type: string) => fake.waitFor(() => {
    const j = fake.get<V1Job>('jobs', NS, name);
    return j?.status?.conditions?.some((c) => c.type === type && c.status === 'True') ? j : undefined;
  }, `Job ${name} ${type}`);
  const podsOf = (job: string) => fake.objects<V1Pod>('pods', NS).filter((p) => p.metadata?.labels?.['job-name'] === job);
  const firstLine = (log: string) => JSON.parse(log.split('\n')[0]!) as { role: string; args: string[]; index: string | null; password: string | null;
    ibRun: string | null; extra: string | null; planRun: string; cwd: string };

  it('runs one process per completion index with env, envFrom, JOB_COMPLETION_INDEX and the plan ConfigMap as a file; the Job completes', async () => {
    start();
    putSecret();
    fake.put(objects.ingestJob!);
    fake.put(objects.queryJobs[0]!);
    const ingest = await jobCondition('kl1-ingest', 'Complete');
    await jobCondition('kl1-query-default', 'Complete');
    assert.deepEqual([ingest.status?.succeeded, ingest.status?.failed, ingest.status?.active, ingest.status?.completedIndexes], [2, 0, 0, '0-1']);
    assert.ok(ingest.status?.startTime && ingest.status.completionTime);

    const pods = podsOf('kl1-ingest');
    assert.deepEqual(pods.map((p) => p.metadata?.name?.replace(/-[a-z0-9]{5}$/, '')).sort(), ['kl1-ingest-0', 'kl1-ingest-1']);
    for (const p of pods) {
      assert.equal(p.status?.phase, 'Succeeded');
      assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
      assert.equal(p.metadata?.labels?.['app.kubernetes.io/component'], 'ingest', 'labels of the template');
    }
    const records = kubelet!.pods;
    const ingestOut = records.filter((r) => r.job === 'kl1-ingest').map((r) => firstLine(r.log));
    assert.deepEqual(ingestOut.map((o) => o.index).sort(), ['0', '1']);
    for (const o of ingestOut) {
      assert.deepEqual([o.ibRun, o.extra, o.planRun, o.password], ['kl1', 'x', 'kl1', null], 'ingest pods get no target credentials');
      assert.equal(o.args[4], join(dirname(o.cwd), 'volumes', 'plan', 'plan.json'), 'the plan path rewritten');
    }
    const query = firstLine(records.find((r) => r.job === 'kl1-query-default')!.log);
    assert.deepEqual([query.index, query.password], ['0', 'pw'], 'the Secret of envFrom');
  });

  it('leaves a pod waiting in CreateContainerConfigError without a process while its Secret is missing, and starts it once it exists', async () => {
    start();
    fake.put(objects.queryJobs[0]!);
    const waiting = await fake.waitFor(() => podsOf('kl1-query-default').find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError'),
      'pod waiting');
    assert.equal(waiting.status?.phase, 'Pending');
    assert.equal(waiting.status?.containerStatuses?.[0]?.state?.waiting?.message, `secret "${SECRET}" not found`);
    assert.equal(kubelet!.pods[0]!.startedAt, null, 'no process');
    putSecret();
    const job = await jobCondition('kl1-query-default', 'Complete');
    assert.equal(job.status?.succeeded, 1);
    assert.equal(firstLine(kubelet!.pods[0]!.log).password, 'pw');
  });

  it('fails the Job (BackoffLimitExceeded) when the container fails, with the log tail as termination message', async () => {
    start({ STUB_coordinator: 'exit:3' });
    putSecret();
    fake.put(objects.coordinatorJob);
    const job = await jobCondition('kl1-coordinator', 'Failed');
    assert.equal(job.status?.conditions?.find((c) => c.type === 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.deepEqual([job.status?.failed, job.status?.succeeded, job.status?.active, job.status?.completionTime], [1, 0, 0, undefined]);
    const [pod] = podsOf('kl1-coordinator');
    assert.equal(pod?.status?.phase, 'Failed');
    const terminated = pod?.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(terminated?.exitCode, 3);
    assert.equal(terminated?.message, fallbackLogMessage(kubelet!.pods[0]!.log));
    assert.match(terminated?.message ?? '', /error: stub failed with 3$/);
    assert.ok((terminated?.message ?? '').split('\n').length <= 80, 'at most 80 lines');
    const args = kubelet!.pods[0]!.args;
    assert.ok(!args.includes(COORDINATOR_RESULTS_DIR) && args[4]!.endsWith('/volumes/results'), `--out rewritten: ${args.join(' ')}`);
  });

  it('stops the process of a deleted Job with SIGTERM; its pods go', async () => {
    start({ STUB_coordinator: 'hang' });
    putSecret();
    fake.put(objects.coordinatorJob);
    await fake.waitFor(() => podsOf('kl1-coordinator').find((p) => p.status?.phase === 'Running'), 'pod Running');
    await waitUntil(() => kubelet!.pods[0]!.log.includes('hanging'));
    fake.delete('jobs', NS, 'kl1-coordinator');
    await waitUntil(() => kubelet!.pods[0]!.exitCode !== null);
    assert.equal(kubelet!.pods[0]!.exitCode, 143);
    assert.match(kubelet!.pods[0]!.log, /got SIGTERM/);
    assert.deepEqual(podsOf('kl1-coordinator'), []);
  });

  it('stop() ends every process it started', async () => {
    const k = start({ STUB_coordinator: 'hang' });
    putSecret();
    fake.put(objects.coordinatorJob);
    await waitUntil(() => k.pods[0]?.log.includes('hanging') === true);
    await k.stop();
    assert.equal(k.pods[0]!.exitCode, 143);
  });
});

/** Polls `check` every 20 ms for up to 10 s (process output arrives outside the store's change events). */
async function waitUntil(check: () => boolean): Promise<void> {
  const until = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}
