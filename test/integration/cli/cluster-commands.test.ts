// Runs the built CLI's cluster commands (status, list, delete, logs) as a user would, with --kubeconfig pointing at
// the fake Kubernetes API server; runs and pods are placed through its test controls. Must not reach a real cluster.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncidentBenchRun } from '../../../src/control/k8s/run-resource.js';
import { FakeKube, type FakeObject } from '../../support/fake-kube/index.js';
import { writeKubeconfig, type TestKubeconfig } from '../../support/kubeconfig.js';
import { CliProcesses, type CliExit } from '../../support/spawn-cli.js';

const NS = 'bench';

function runObject(name: string, namespace = NS, status?: IncidentBenchRun['status']): IncidentBenchRun {
  return {
    apiVersion: 'incidentbench.io/v1alpha1', kind: 'IncidentBenchRun',
    metadata: { name, namespace },
    spec: { kafka: { bootstrapServers: 'kafka:9092' } },
    ...(status ? { status } : {}),
  };
}

const RUNNING: IncidentBenchRun['status'] = {
  phase: 'Running',
  currentBenchmarkPhase: 'overlap',
  currentBenchmarkPhaseIndex: 2,
  workers: { ingest: { desired: 4, ready: 3 }, query: { desired: 2, ready: 2 } },
  progress: {
    elapsedSeconds: 75, totalSeconds: 600, targetIngestEPS: 2000, achievedIngestEPS: 1990.5, consumedIngestEPS: 1980,
    targetQueryQPS: 20, achievedQueryQPS: 19.5, queryP99Ms: 12.34, kafkaConsumerLag: 1200,
  },
  conditions: [
    { type: 'Validated', status: 'True', reason: 'SpecValid', message: 'the spec is valid', lastTransitionTime: '2026-01-01T00:00:00Z' },
    { type: 'WorkersReady', status: 'False', reason: 'Waiting', message: '3 of 4 ingest workers ready', lastTransitionTime: '2026-01-01T00:00:10Z' },
  ],
};

const COMPLETED: IncidentBenchRun['status'] = {
  phase: 'Completed',
  currentBenchmarkPhase: 'recovery',
  progress: { ...RUNNING!.progress!, elapsedSeconds: 600 },
  results: {
    valid: false,
    validityViolations: ['ingest fell below 95 % of target in phase overlap'],
    warnings: ['harness CPU above 80 %'],
    harnessSaturated: false,
    scorecard: { baseline_p99_ms: 40, overlap_p99_ms: 300, p99_degradation_ratio: 7.5 },
    reportConfigMap: 'r2-report',
  },
};

describe('cluster commands (status, list, delete, logs) against the fake API server', function () {
  // Each case starts the CLI one to three times; a loaded machine needs seconds per start.
  this.timeout(90_000);
  const procs = new CliProcesses();
  let fake: FakeKube;
  let kc: TestKubeconfig;
  let home: string;

  before(() => { home = mkdtempSync(join(tmpdir(), 'ib-cluster-home-')); });
  after(async () => {
    await procs.killAll();
    rmSync(home, { recursive: true, force: true });
  });

  beforeEach(async () => {
    fake = await FakeKube.start();
    kc = writeKubeconfig(fake.url, { namespace: NS, extraContexts: [{ name: 'other-ctx', namespace: 'other' }] });
  });

  afterEach(async () => {
    await fake.close();
    kc.remove();
  });

  /** A user's environment without any kubeconfig of the machine running the tests. */
  function env(): NodeJS.ProcessEnv {
    const e: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: '1' };
    delete e.KUBECONFIG;
    delete e.KUBERNETES_SERVICE_HOST;
    return e;
  }

  function cli(...args: string[]): Promise<CliExit> {
    return procs.start([...args, '--kubeconfig', kc.path], { env: env() }).exited;
  }

  describe('status', () => {
    it('shows phase, benchmark phase, progress, workers and conditions of a running run', async () => {
      fake.put(runObject('r1', NS, RUNNING));
      const r = await cli('status', 'r1');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^run: +r1 \(namespace bench, created /m);
      assert.match(r.stdout, /^phase: +Running$/m);
      assert.match(r.stdout, /^benchmark: +overlap \(phase index 2\)$/m);
      assert.match(r.stdout, /^elapsed: +1:15 \/ 10:00$/m);
      assert.match(r.stdout, /^workers: +ingest 3\/4 ready, query 2\/2 ready$/m);
      assert.match(r.stdout, /^ingest: .*of 2\u202f000 events\/s, consumed 1\u202f980$/m);
      assert.match(r.stdout, /^queries: .*p99 12\.3 ms$/m);
      assert.match(r.stdout, /^ +WorkersReady +False +Waiting +3 of 4 ingest workers ready$/m);
      assert.doesNotMatch(r.stdout, /results:/);
    });

    it('shows results, scorecard and how to fetch the report of a finished run', async () => {
      fake.put(runObject('r2', NS, COMPLETED));
      const r = await cli('status', 'r2');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^results: +INVALID$/m);
      assert.match(r.stdout, /^ +violation: ingest fell below 95 % of target in phase overlap$/m);
      assert.match(r.stdout, /^ +warning: +harness CPU above 80 %$/m);
      assert.match(r.stdout, /^ +p99 degradation: 7\.50×$/m);
      assert.match(r.stdout, /^ +Baseline p99: 40\.0 ms$/m);
      assert.ok(r.stdout.includes("kubectl get configmap r2-report -n bench -o jsonpath='{.binaryData.run\\.json\\.gz}' | base64 -d | gunzip"), r.stdout);
      assert.ok(r.stdout.includes('incidentbench report r2 --from-kafka --kafka kafka:9092'), r.stdout);
    });

    it('prints the resource as JSON with --json', async () => {
      fake.put(runObject('r1', NS, RUNNING));
      const r = await cli('status', 'r1', '--json');
      assert.equal(r.code, 0, r.stderr);
      const parsed = JSON.parse(r.stdout) as IncidentBenchRun;
      assert.equal(parsed.metadata.name, 'r1');
      assert.equal(parsed.status?.phase, 'Running');
    });

    it('names run and namespace in one line when the run does not exist (exit 1)', async () => {
      fake.put(runObject('r1'));
      const r = await cli('status', 'r11');
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^error: run "r11" not found in namespace "bench" \(did you mean "r1"\?\)/);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    });

    it('uses --namespace and --context over the kubeconfig default', async () => {
      fake.put(runObject('x', 'other', RUNNING));
      assert.equal((await cli('status', 'x')).code, 1);
      assert.equal((await cli('status', 'x', '--namespace', 'other')).code, 0);
      assert.equal((await cli('status', 'x', '--context', 'other-ctx')).code, 0);
    });

    it('says in one line that no cluster is configured (exit 1)', async () => {
      const r = await procs.start(['status', 'r1'], { env: env() }).exited;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: no Kubernetes cluster configured: set KUBECONFIG or pass --kubeconfig; looked in /);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
      const missing = await procs.start(['list', '--kubeconfig', join(home, 'nope')], { env: env() }).exited;
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /kubeconfig file ".*nope" does not exist/);
    });

    it('reports an API failure in one line (exit 1)', async () => {
      fake.failNext('GET', /incidentbenchruns\/r1$/, 403);
      const r = await cli('status', 'r1');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: cannot get IncidentBenchRun bench\/r1: .*\(HTTP 403 Forbidden\)$/m);
    });
  });

  describe('list', () => {
    it('prints the printer-column table of the namespace, or of all namespaces with -A', async () => {
      fake.put(runObject('r1', NS, RUNNING));
      fake.put(runObject('r2', NS, COMPLETED));
      fake.put(runObject('r3', 'other'));
      const r = await cli('list');
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^NAME +PHASE +BENCHMARK-PHASE +ELAPSED +VALID +DEGRADATION +AGE$/);
      assert.match(lines[1]!, /^r1 +Running +overlap +1:15 +\d+s$/);
      assert.match(lines[2]!, /^r2 +Completed +recovery +10:00 +false +7\.50× +\d+s$/);
      assert.equal(lines.length, 3);
      const all = await cli('list', '--all-namespaces');
      assert.equal(all.code, 0, all.stderr);
      const allLines = all.stdout.trimEnd().split('\n');
      assert.match(allLines[0]!, /^NAMESPACE +NAME +PHASE/);
      assert.deepEqual(allLines.slice(1).map((l) => l.split(/ +/).slice(0, 2).join('/')), ['bench/r1', 'bench/r2', 'other/r3']);
    });

    it('says so when there are no runs, and prints JSON with --json', async () => {
      const empty = await cli('list');
      assert.equal(empty.code, 0);
      assert.equal(empty.stdout, '');
      assert.match(empty.stderr, /no runs in namespace "bench"/);
      fake.put(runObject('r1'));
      const json = await cli('list', '--json');
      assert.deepEqual((JSON.parse(json.stdout) as IncidentBenchRun[]).map((r) => r.metadata.name), ['r1']);
    });
  });

  describe('delete', () => {
    it('deletes a run and its children', async () => {
      const run = fake.put(runObject('r1'));
      fake.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r1-plan', namespace: NS, ownerReferences: [{ apiVersion: run.apiVersion, kind: run.kind, name: 'r1', uid: run.metadata.uid! }] } });
      const r = await cli('delete', 'r1');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /run "r1" in namespace "bench" marked for deletion/);
      assert.equal(fake.get('incidentbenchruns', NS, 'r1'), undefined);
      assert.equal(fake.get('configmaps', NS, 'r1-plan'), undefined);
    });

    it('fails in one line for an unknown run', async () => {
      const r = await cli('delete', 'ghost');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: run "ghost" not found in namespace "bench"/);
    });

    it('with --wait, returns once the finalizer is removed', async () => {
      fake.put({ ...runObject('r1'), metadata: { name: 'r1', namespace: NS, finalizers: ['incidentbench.io/cleanup'] } });
      const proc = procs.start(['delete', 'r1', '--wait', '--kubeconfig', kc.path], { env: env() });
      await fake.waitFor(() => fake.get<IncidentBenchRun>('incidentbenchruns', NS, 'r1')?.metadata.deletionTimestamp, 'deletionTimestamp');
      await proc.waitFor(/marked for deletion; the operator now runs its cleanup/, { stream: 'stdout' });
      fake.update<IncidentBenchRun>('incidentbenchruns', NS, 'r1', (r) => { r.metadata.finalizers = []; });
      const r = await proc.exited;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^run "r1" deleted$/m);
    });

    it('with --wait, gives up after --timeout when the finalizer stays', async () => {
      fake.put({ ...runObject('r1'), metadata: { name: 'r1', namespace: NS, finalizers: ['incidentbench.io/cleanup'] } });
      const r = await cli('delete', 'r1', '--wait', '--timeout', '1');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: run "r1" is still present after 1 s \(finalizers pending: incidentbench.io\/cleanup; is the operator running\?\)$/m);
    });
  });

  describe('logs', () => {
    function placePods(): Record<string, string> {
      const labels = (component: string, extra: Record<string, string> = {}) => ({ 'incidentbench.io/run': 'r1', 'app.kubernetes.io/component': component, ...extra });
      const jobOf = (name: string, component: string, completions: number, extra: Record<string, string> = {}): FakeObject => fake.put({
        apiVersion: 'batch/v1', kind: 'Job',
        metadata: { name, namespace: NS, labels: labels(component, extra) },
        spec: {
          completions, parallelism: completions, ...(completions > 1 ? { completionMode: 'Indexed' } : {}),
          template: { metadata: { labels: labels(component, extra) }, spec: { restartPolicy: 'Never', containers: [{ name: component, image: 'incidentbench:test' }] } },
        },
      });
      const names: Record<string, string> = {};
      for (const [job, component, n, extra, prefix] of [
        ['r1-coordinator', 'coordinator', 1, {}, 'coordinator'],
        ['r1-ingest', 'ingest', 2, {}, 'ingest'],
        ['r1-query-search', 'query', 2, { 'incidentbench.io/query-group': 'search' }, 'query-search'],
      ] as const) {
        const pods = fake.simulatePods(jobOf(job, component, n, extra));
        pods.forEach((p, i) => {
          const id = n > 1 ? `${prefix}-${i}` : prefix;
          names[id] = p.metadata.name!;
          fake.setPodLog(NS, p.metadata.name!, `hello from ${id}\nbye from ${id}\n`);
        });
      }
      fake.put(runObject('r1'));
      fake.put(runObject('idle'));
      return names;
    }

    it('prints every pod\'s log with its worker id, coordinator first', async () => {
      placePods();
      const r = await cli('logs', 'r1');
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.deepEqual(lines.filter((l) => l.includes('hello')), [
        '[coordinator] hello from coordinator', '[ingest-0] hello from ingest-0', '[ingest-1] hello from ingest-1',
        '[query-search-0] hello from query-search-0', '[query-search-1] hello from query-search-1',
      ]);
      assert.equal(lines.length, 10);
    });

    it('picks one worker with --worker and tails with --tail', async () => {
      placePods();
      const r = await cli('logs', 'r1', '--worker', 'ingest-1', '--tail', '1');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'bye from ingest-1\n');
    });

    it('rejects an unknown worker, naming the run\'s workers', async () => {
      placePods();
      const r = await cli('logs', 'r1', '--worker', 'ingest-7');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: run "r1" has no worker "ingest-7" \(did you mean "ingest-0"\?\); its workers: coordinator, ingest-0, ingest-1, query-search-0, query-search-1$/m);
    });

    it('says when a run has no pods, and fails for an unknown run', async () => {
      placePods();
      const idle = await cli('logs', 'idle');
      assert.equal(idle.code, 0);
      assert.match(idle.stderr, /run "idle" in namespace "bench" has no pods \(yet\)/);
      const ghost = await cli('logs', 'ghost');
      assert.equal(ghost.code, 1);
      assert.match(ghost.stderr, /^error: run "ghost" not found in namespace "bench"/);
    });

    it('follows the coordinator\'s log until its pod ends', async () => {
      const names = placePods();
      const proc = procs.start(['logs', 'r1', '--follow', '--kubeconfig', kc.path], { env: env() });
      await proc.waitFor(/^bye from coordinator$/, { stream: 'stdout' });
      assert.equal(fake.logFollowers, 1);
      fake.appendPodLog(NS, names.coordinator!, 'late line\n');
      await proc.waitFor(/^late line$/, { stream: 'stdout' });
      fake.update<FakeObject>('pods', NS, names.coordinator!, (p) => { p.status = { phase: 'Succeeded' }; });
      const r = await proc.exited;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'hello from coordinator\nbye from coordinator\nlate line\n');
    });
  });
});
