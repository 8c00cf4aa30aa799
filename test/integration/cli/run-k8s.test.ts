// `incidentbench run --k8s` through the built CLI against the fake Kubernetes API server: the IncidentBenchRun it
// submits, following it to the result (exit code from the results), --detach, and refusing an existing name.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncidentBenchRun } from '../../../src/control/k8s/run-resource.js';
import { FakeKube } from '../../support/fake-kube/index.js';
import { writeKubeconfig, type TestKubeconfig } from '../../support/kubeconfig.js';
import { CliProcesses } from '../../support/spawn-cli.js';

const NS = 'bench';

describe('incidentbench run --k8s (against the fake API server)', function () {
  this.timeout(90_000);
  const procs = new CliProcesses();
  let fake: FakeKube;
  let kc: TestKubeconfig;
  let dir: string;
  let targetConfig: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ib-run-k8s-'));
    targetConfig = join(dir, 'ch.yaml');
    writeFileSync(targetConfig, 'url: http://clickhouse.db.svc:8123\npassword_env: CH_PASSWORD\n');
  });
  after(async () => {
    await procs.killAll();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    fake = await FakeKube.start();
    kc = writeKubeconfig(fake.url, { namespace: NS });
  });
  afterEach(async () => {
    await fake.close();
    kc.remove();
  });

  const args = (name: string, ...more: string[]) => ['run', 'scenarios/smoke.yaml', '--k8s', '--run-name', name,
    '--target', 'clickhouse', '--target-config', targetConfig, '--kafka', 'kafka.kafka.svc:9092',
    '--credentials-secret', 'ch-creds', '--kubeconfig', kc.path, ...more];

  it('submits the run, follows it, prints the results and exits with the run\'s code', async () => {
    const p = procs.start(args('k8s-follow', '--rate-scale', '0.5'));
    await fake.waitFor(() => fake.get('incidentbenchruns', NS, 'k8s-follow') !== undefined, 'the run to be created', 60_000);
    const created = fake.get<IncidentBenchRun>('incidentbenchruns', NS, 'k8s-follow')!;
    assert.equal(created.spec.target?.adapter, 'clickhouse');
    assert.deepEqual(created.spec.target?.credentialsSecretRef, { name: 'ch-creds' });
    assert.equal(created.spec.kafka.bootstrapServers, 'kafka.kafka.svc:9092');
    assert.deepEqual(created.spec.scaling, { rateScale: 0.5 });
    assert.equal((created.spec.scenario as { scenario: { name: string } }).scenario.name, 'smoke');
    await p.waitFor(/^submitted IncidentBenchRun bench\/k8s-follow /, { stream: 'stdout', timeoutMs: 30_000 });
    fake.update<IncidentBenchRun>('incidentbenchruns', NS, 'k8s-follow', (r) => {
      r.status = { phase: 'Running', currentBenchmarkPhase: 'baseline', currentBenchmarkPhaseIndex: 1,
        progress: { elapsedSeconds: 40, totalSeconds: 180, targetIngestEPS: 100, achievedIngestEPS: 99, consumedIngestEPS: 98,
          targetQueryQPS: 1, achievedQueryQPS: 1, queryP99Ms: 12.5, kafkaConsumerLag: 7 } };
    });
    await p.waitFor(/^Running · baseline \(2\) · 40\/180 s · EPS 99\/100 consumed 98 · QPS 1\.0\/1\.0 · p99 13 ms · lag 7$/m,
      { timeoutMs: 30_000 });
    fake.update<IncidentBenchRun>('incidentbenchruns', NS, 'k8s-follow', (r) => {
      r.status = { ...r.status, phase: 'Completed', results: { valid: false, validityViolations: ['kafka healthy: 3 s of failures'],
        warnings: [], harnessSaturated: false, scorecard: { p99_degradation_ratio: 2.5 }, reportConfigMap: 'k8s-follow-report', exitCode: 2 } };
    });
    const exit = await p.exited;
    assert.equal(exit.code, 2, exit.stderr);
    assert.match(exit.stdout, /^run k8s-follow finished: INVALID$/m);
    assert.match(exit.stdout, /^ {2}violation: kafka healthy: 3 s of failures$/m);
    assert.match(exit.stdout, /^ {2}p99_degradation_ratio: 2\.5$/m);
    assert.match(exit.stdout, /kubectl get configmap k8s-follow-report -n bench/);
  });

  it('with --detach returns at once, and refuses a name that already exists', async () => {
    const first = await procs.start(args('k8s-detach', '--detach')).exited;
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /incidentbench status k8s-detach -n bench/);
    assert.ok(fake.get('incidentbenchruns', NS, 'k8s-detach'));
    const again = await procs.start(args('k8s-detach', '--detach')).exited;
    assert.equal(again.code, 1);
    assert.match(again.stderr, /a run "k8s-detach" already exists in namespace bench/);
  });

  it('reports a failed run with its condition and exit 1', async () => {
    const p = procs.start(args('k8s-failed'));
    await fake.waitFor(() => fake.get('incidentbenchruns', NS, 'k8s-failed') !== undefined, 'the run to be created', 60_000);
    fake.update<IncidentBenchRun>('incidentbenchruns', NS, 'k8s-failed', (r) => {
      r.status = { phase: 'Failed', conditions: [{ type: 'RunComplete', status: 'False', reason: 'CoordinatorFailed',
        message: 'error: preparation failed: Kafka unreachable', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    });
    const exit = await p.exited;
    assert.equal(exit.code, 1);
    assert.match(exit.stdout, /^run k8s-failed failed: RunComplete CoordinatorFailed: error: preparation failed: Kafka unreachable$/m);
  });
});
