// SPEC §15.2/§16 acceptance without a cluster: the operator as a process against the fake API server, whose fake
// kubelet runs the operator's Jobs as real OS processes — one coordinator, three ingest workers, two query workers
// (index from $JOB_COMPLETION_INDEX), later the cleanup Job — against the test Kafka and ClickHouse: from applying an
// IncidentBenchRun to its status, results, phase skew and report ConfigMap, and on delete the cleanup. Must use its
// own run name, and stop only what it started.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { clickhouseTableName } from '../../src/adapters/clickhouse/compile.js';
import { KubeClient } from '../../src/control/k8s/kube-client.js';
import {
  FINALIZER, REPORT_KEYS, RUN_API_VERSION, RUN_KIND, RUN_LABEL, type Condition, type IncidentBenchRun, type RunPhase, type RunProgress,
} from '../../src/control/k8s/run-resource.js';
import { planFromSpec } from '../../src/control/k8s/spec-request.js';
import { runTopics } from '../../src/control/target-session.js';
import { formatPlain } from '../../src/report/display-number.js';
import { escapeHtml } from '../../src/report/html-escape.js';
import { validateRunJson } from '../../src/report/run-json-schema.js';
import type { RunPlan } from '../../src/scenario/plan-types.js';
import type { RunJson } from '../../src/stream-agg/run-result-types.js';
import { addClickHouseUser, selectOneAs } from '../support/clickhouse-user.js';
import { REPO_ROOT, SMOKE, startE2eStack, type E2eStack } from '../support/e2e-stack.js';
import { FakeKube, FakeKubelet } from '../support/fake-kube/index.js';
import { writeKubeconfig, type TestKubeconfig } from '../support/kubeconfig.js';
import { CliProcesses, type CliProcess } from '../support/spawn-cli.js';

const NS = 'bench';
const RUNS = 'incidentbenchruns';
const CH_USER = 'bench';
const CH_PASSWORD = 'k8s-e2e-secret';
const SECRET = 'clickhouse-credentials';

/** Phase skew above this means the workers did not switch phases together (SPEC §12.2 warns above 1 s). */
const SANE_SKEW_MS = 1000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe('the operator\'s Jobs run for real: operator process → Jobs → coordinator/worker processes → status, report, cleanup (SPEC §15.2)', function () {
  this.timeout(300_000);
  const cli = new CliProcesses();
  let stack: E2eStack;
  let fake: FakeKube;
  let kubelet: FakeKubelet;
  let kubeconfig: TestKubeconfig;
  let api: KubeClient;
  let operator: CliProcess;
  let runName: string;
  let plan: RunPlan;
  let completed: IncidentBenchRun;
  let failedTests = 0;
  /** Every phase the run's status went through, in order, with when it was seen (ms after the create). */
  const phases: { phase: RunPhase; atMs: number }[] = [];
  const progresses: RunProgress[] = [];
  let createdAt = 0;

  const getRun = (): IncidentBenchRun | undefined => fake.get<IncidentBenchRun>(RUNS, NS, runName);
  const condition = (run: IncidentBenchRun, type: Condition['type']): Condition | undefined => run.status?.conditions?.find((c) => c.type === type);
  const childrenOf = (kind: 'jobs' | 'configmaps' | 'pods') => fake.objects(kind, NS).filter((o) => o.metadata.labels?.[RUN_LABEL] === runName);

  function runObject(): IncidentBenchRun {
    return {
      apiVersion: RUN_API_VERSION, kind: RUN_KIND, metadata: { name: runName, namespace: NS },
      spec: {
        scenario: parse(readFileSync(join(REPO_ROOT, SMOKE), 'utf8')) as Record<string, unknown>,
        target: { adapter: 'clickhouse', config: { url: stack.ch.url, user: CH_USER, password_env: 'CH_PASSWORD', kafka_broker_list: stack.kafka.bootstrap },
          credentialsSecretRef: { name: SECRET } },
        kafka: { bootstrapServers: stack.kafka.bootstrap },
        // duration 0.15 → six 5 s phases (30 s); rate 0.25 → 50–500 EPS over 3 ingest workers of 1 lane each.
        scaling: { durationScale: 0.15, rateScale: 0.25 },
        workers: { ingest: { replicas: 3, threads: 1 }, query: { replicas: 2 } },
        drainTimeoutSeconds: 30,
      },
    };
  }

  before(async function () {
    this.timeout(300_000);
    const t0 = Date.now();
    stack = await startE2eStack();
    await addClickHouseUser(stack.ch, CH_USER, CH_PASSWORD);
    const tStack = Date.now();
    fake = await FakeKube.start();
    kubeconfig = writeKubeconfig(fake.url, { namespace: NS });
    api = new KubeClient(kubeconfig.kubeConfig, NS);
    kubelet = FakeKubelet.start({ fake, workDir: join(stack.dir, 'pods') });
    operator = cli.start(['operator', '--kubeconfig', kubeconfig.path, '--health-port', '0', '--json'], { cwd: REPO_ROOT });
    await operator.waitFor(/operator started/, { timeoutMs: 30_000 });
    const tOperator = Date.now();
    console.log(`      (Kafka and ClickHouse up in ${seconds(tStack - t0)}; fake API server, kubelet and operator process in ${seconds(tOperator - tStack)})`);

    runName = stack.runName('k8s-e2e');
    const run = runObject();
    // The test Kafka refuses CreateTopics: the run's topics are made here, from the same plan the operator will make.
    plan = planFromSpec(run, null, REPO_ROOT).plan;
    for (const t of runTopics(plan)) await stack.kafka.createTopic(t.name, t.partitions);
    fake.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: SECRET, namespace: NS }, type: 'Opaque',
      data: { CH_PASSWORD: Buffer.from(CH_PASSWORD).toString('base64') } });
    fake.onChange((e) => {
      if (e.object.kind !== RUN_KIND || e.object.metadata.name !== runName) return;
      const st = (e.object as unknown as IncidentBenchRun).status;
      if (st?.phase !== undefined && phases.at(-1)?.phase !== st.phase) phases.push({ phase: st.phase, atMs: Date.now() - createdAt });
      if (st?.progress !== undefined && JSON.stringify(progresses.at(-1)) !== JSON.stringify(st.progress)) progresses.push(st.progress);
    });

    createdAt = Date.now();
    await api.createRun(run);
    completed = await fake.waitFor(() => {
      const r = getRun();
      return r?.status?.phase === 'Completed' || r?.status?.phase === 'Failed' ? r : undefined;
    }, `run ${runName} Completed or Failed`, 150_000);
    assert.equal(completed.status?.phase, 'Completed', `the run failed: ${JSON.stringify(completed.status?.conditions, null, 1)}`);
    console.log(`      (run ${runName}, ${plan.totals.durationS} s timeline: Completed ${seconds(Date.now() - createdAt)} after the create; `
      + `phases ${phases.map((p) => `${p.phase}@${seconds(p.atMs)}`).join(', ')})`);
    for (const p of kubelet.pods) {
      console.log(`      (pod ${p.pod}: exit ${String(p.exitCode)} after ${p.startedAt && p.finishedAt ? seconds(p.finishedAt.getTime() - p.startedAt.getTime()) : '?'})`);
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') failedTests++;
  });

  after(async function () {
    this.timeout(60_000);
    if (failedTests > 0 || phases.at(-1)?.phase !== 'Completed') {
      process.stderr.write(`--- operator stderr (tail) ---\n${operator?.stderr.slice(-4000) ?? ''}\n`);
      for (const p of kubelet?.pods ?? []) process.stderr.write(`--- pod ${p.pod} (exit ${String(p.exitCode)}) ---\n${p.log.slice(-2000)}\n`);
    }
    operator?.signal('SIGTERM');
    await Promise.race([operator?.exited, new Promise((r) => setTimeout(r, 10_000))]);
    await cli.killAll();
    await kubelet?.stop();
    await fake?.close();
    kubeconfig?.remove();
    await stack?.stop();
  });

  it('goes Preparing → Initializing → Running → … → Completed, every condition True', () => {
    const seen = phases.map((p) => p.phase);
    for (const p of ['Preparing', 'Initializing', 'Running'] as const) assert.ok(seen.includes(p), `phase ${p} seen in ${seen.join(' → ')}`);
    assert.equal(seen.at(-1), 'Completed');
    assert.deepEqual(seen.filter((p, i) => seen.indexOf(p) !== i), [], 'no phase twice');
    for (const type of ['Validated', 'Prepared', 'WorkersReady', 'RunComplete'] as const) {
      assert.equal(condition(completed, type)?.status, 'True', `${type}: ${JSON.stringify(condition(completed, type))}`);
    }
    assert.ok(completed.metadata.finalizers?.includes(FINALIZER));
    assert.equal(completed.status?.runId, JSON.parse(fake.get<V1ConfigMap>('configmaps', NS, `${runName}-plan`)!.data!['plan.json']!).run.id);
  });

  it('ran every Job of the run as processes that exited 0, with the credentials Secret as environment', () => {
    const jobs = childrenOf('jobs') as V1Job[];
    assert.deepEqual(jobs.map((j) => j.metadata?.name).sort(), [`${runName}-coordinator`, `${runName}-ingest`, `${runName}-query-default`]);
    for (const j of jobs) assert.equal(j.status?.conditions?.find((c) => c.type === 'Complete')?.status, 'True', `${j.metadata?.name} Complete`);
    const pods = kubelet.pods.filter((p) => p.job.startsWith(`${runName}-`));
    assert.deepEqual(pods.map((p) => p.job).sort(), [`${runName}-coordinator`, `${runName}-ingest`, `${runName}-ingest`,
      `${runName}-ingest`, `${runName}-query-default`, `${runName}-query-default`]);
    for (const p of pods) assert.equal(p.exitCode, 0, `${p.pod} exit code\n${p.log.slice(-2000)}`);
    const coordinatorPod = pods.find((p) => p.job === `${runName}-coordinator`)!;
    assert.match(coordinatorPod.log, new RegExp(`^run ${runName} finished: valid, not comparable \\(exit code 0\\)$`, 'm'),
      'the coordinator prints the run summary at the end of its log');
    const coordinatorJob = jobs.find((j) => j.metadata?.name === `${runName}-coordinator`)!;
    assert.deepEqual(coordinatorJob.spec?.template.spec?.containers[0]?.envFrom, [{ secretRef: { name: SECRET } }]);
  });

  it('mirrored the live progress into status.progress with the plan\'s total seconds', () => {
    assert.ok(progresses.length >= 1, 'progress mirrored at least once');
    for (const p of progresses) assert.equal(p.totalSeconds, plan.totals.durationS);
    assert.ok(progresses.some((p) => p.elapsedSeconds > 0), `elapsed seconds move: ${progresses.map((p) => p.elapsedSeconds).join(', ')}`);
  });

  /** run.json and report.html from the report ConfigMap. */
  function reportOf(): { raw: unknown; run: RunJson; html: string } {
    const cm = fake.get<V1ConfigMap>('configmaps', NS, `${runName}-report`);
    assert.ok(cm?.binaryData, 'the report ConfigMap');
    const unzip = (key: string) => gunzipSync(Buffer.from(cm.binaryData![key]!, 'base64')).toString('utf8');
    const raw: unknown = JSON.parse(unzip(REPORT_KEYS.runJson));
    return { raw, run: raw as RunJson, html: unzip(REPORT_KEYS.reportHtml) };
  }

  it('the coordinator saw the five worker processes, each done, none lost', () => {
    const r = reportOf().run;
    assert.deepEqual(Object.keys(r.workers).sort(), ['ingest-0', 'ingest-1', 'ingest-2', 'query-0', 'query-1']);
    for (const [id, w] of Object.entries(r.workers)) {
      assert.equal(w.done, true, `${id} done`);
      assert.equal(w.lost, false, `${id} not lost`);
      if (id.startsWith('ingest-')) assert.ok((w.ingest?.acked ?? 0) > 0, `${id} acked its share`);
    }
  });

  it('measures the phase skew between the worker processes and shows it in report.html', () => {
    const { run: r, html } = reportOf();
    const skew = r.derived['harness.phase_skew_ms'];
    console.log(`      (phase skew across the 5 worker processes: ${String(skew)} ms; per phase: `
      + `${r.phases.map((p) => `${p.name} ${String(p.skew_ms)}`).join(', ')})`);
    assert.equal(typeof skew, 'number', 'harness.phase_skew_ms is measured');
    assert.ok(skew! >= 0 && skew! < SANE_SKEW_MS, `phase skew ${String(skew)} ms within [0, ${SANE_SKEW_MS})`);
    const perPhase = r.phases.map((p) => p.skew_ms).filter((x): x is number => x !== null);
    assert.ok(perPhase.length > 0, 'per-phase skews are measured');
    assert.equal(Math.max(...perPhase), skew, 'the run\'s skew is the largest phase skew');
    assert.match(html, new RegExp(`harness\\.phase_skew_ms</span></td><td[^>]*>${escapeRegExp(escapeHtml(formatPlain(skew!)))}<`),
      'report.html lists harness.phase_skew_ms with its value');
    assert.ok(html.includes('Switch skew ms'), 'report.html has the per-phase skew column');
  });

  it('stores valid results with a scorecard and the report ConfigMap (run.json per its schema, report.html)', async () => {
    const results = completed.status?.results;
    assert.ok(results, 'status.results');
    assert.equal(results.valid, true, JSON.stringify(results.validityViolations));
    assert.ok(Object.keys(results.scorecard).length > 0, 'a scorecard');
    assert.ok(Object.values(results.scorecard).some((v) => typeof v === 'number'), 'with numbers');
    assert.equal(results.reportConfigMap, `${runName}-report`);
    const cm = fake.get<V1ConfigMap>('configmaps', NS, `${runName}-report`);
    assert.ok(cm?.binaryData, 'the report ConfigMap');
    const raw: unknown = JSON.parse(gunzipSync(Buffer.from(cm.binaryData[REPORT_KEYS.runJson]!, 'base64')).toString('utf8'));
    assert.deepEqual(validateRunJson(raw), []);
    const runJson = raw as RunJson;
    assert.equal(runJson.run.name, runName);
    assert.ok(cm.binaryData[REPORT_KEYS.reportHtml], 'report.html.gz');
    assert.match(gunzipSync(Buffer.from(cm.binaryData[REPORT_KEYS.reportHtml]!, 'base64')).toString('utf8'), /<html/i);
    const streams = Object.values(runJson.streams);
    assert.equal(streams.length, 1);
    const s = streams[0]!;
    assert.equal(s.acked, plan.totals.events, 'acked = planned');
    const rows = Number(await stack.query(`SELECT count() FROM default.${clickhouseTableName(s.index)}`));
    assert.equal(rows, s.acked, 'rows in the target table = acked events');
  });

  it('on delete runs the cleanup Job for real: the run\'s ClickHouse objects go, then the finalizer, the run and its children', async () => {
    const runObjects = `SELECT count() FROM system.tables WHERE database = 'default' AND name LIKE '%${runName.replace(/-/g, '_')}%'`;
    const dataTable = clickhouseTableName(plan.streams[0]!.index);
    const tableExists = `SELECT count() FROM system.tables WHERE database = 'default' AND name = '${dataTable}'`;
    assert.equal(Number(await stack.query(runObjects)), 2, 'the run\'s Kafka table and view exist before');
    assert.equal(Number(await stack.query(tableExists)), 1, 'the data table exists before');
    assert.equal((await selectOneAs(stack.ch, CH_USER, null)).status, 401, 'ClickHouse refuses the user without the password');

    const t0 = Date.now();
    await api.deleteRun(NS, runName);
    await fake.waitFor(() => getRun() === undefined, `run ${runName} gone`, 60_000);
    const cleanup = kubelet.pods.find((p) => p.job === `${runName}-cleanup`);
    assert.ok(cleanup, 'the cleanup Job got a pod');
    assert.equal(cleanup.exitCode, 0, cleanup.log.slice(-2000));
    assert.equal(cleanup.args[0], 'cleanup');
    assert.match(cleanup.log, new RegExp(`cleaned up run ${runName}`));
    await fake.waitFor(() => ['jobs', 'configmaps', 'pods'].every((k) => childrenOf(k as 'jobs').length === 0), 'children gone', 10_000);
    console.log(`      (delete → cleanup Job → run gone in ${seconds(Date.now() - t0)})`);
    assert.equal(Number(await stack.query(runObjects)), 0, 'no object of the run is left');
    assert.equal(Number(await stack.query(tableExists)), 0, 'the data table the run created is dropped');
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
