// The operator's I/O layer against the fake Kubernetes API server and the test Kafka (SPEC §15.2, §16): every path of
// the lifecycle driven through the run's live topic and the fake server's controls. Must use its own run names and
// topics, and stop only what it started.

import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import type { CoreV1Event, V1ConfigMap, V1Job } from '@kubernetes/client-node';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { parse } from 'yaml';
import { Logger } from '../../../src/core/logger.js';
import { KubeClient } from '../../../src/control/k8s/kube-client.js';
import { Operator } from '../../../src/control/k8s/operator.js';
import {
  FINALIZER, PLAN_KEY, REPORT_KEYS, RUN_API_VERSION, RUN_KIND, type Condition, type IncidentBenchRun,
} from '../../../src/control/k8s/run-resource.js';
import { planHash } from '../../../src/scenario/plan.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { createKafka, type KafkaClient } from '../../../src/kafka/client-factory.js';
import { JsonProducer } from '../../../src/kafka/json-producer.js';
import { kafkaSettingsFromEnv } from '../../../src/kafka/kafka-config.js';
import type { LiveMessage } from '../../../src/stream-agg/live-types.js';
import { FakeKube, type FakeObject } from '../../support/fake-kube/index.js';
import { writeKubeconfig, type TestKubeconfig } from '../../support/kubeconfig.js';
import { livePoint, liveState, liveSummary } from '../../support/live-messages.js';
import { steadyRun } from '../../support/run-records.js';
import { scenarioText } from '../../support/scenario-text.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';

const NS = 'bench';
const RUNS = 'incidentbenchruns';

describe('operator lifecycle against the fake API server and the test Kafka (SPEC §15.2)', function () {
  this.timeout(60_000);
  let fake: FakeKube;
  let kubeconfig: TestKubeconfig;
  let api: KubeClient;
  let kafka: TestKafka;
  let client: KafkaClient;
  let producer: JsonProducer<unknown>;
  const operators: Operator[] = [];
  const logLines: string[] = [];
  const logger = new Logger({ level: 'debug', sink: { write: (l: string) => logLines.push(l) } });

  before(async () => {
    kafka = await startTestKafka();
    fake = await FakeKube.start();
    kubeconfig = writeKubeconfig(fake.url, { namespace: NS });
    api = new KubeClient(kubeconfig.kubeConfig, NS);
    client = createKafka(kafkaSettingsFromEnv({}, { bootstrap: kafka.bootstrap }), { run: 'test', role: 'test', logger });
    producer = new JsonProducer<unknown>(client);
    await producer.connect();
  });

  after(async () => {
    for (const o of operators) await o.stop();
    await producer?.disconnect?.().catch(() => undefined);
    await fake?.close();
    kubeconfig?.remove();
    await kafka?.stop();
  });

  afterEach(async function () {
    for (const o of operators.splice(0)) await o.stop();
    if (this.currentTest?.state === 'failed') process.stderr.write(logLines.slice(-40).join(''));
    logLines.length = 0;
  });

  function startOperator(): Operator {
    const op = new Operator({
      api, namespace: NS, logger, image: 'incidentbench:test', kafkaConnectTimeoutMs: 5_000, rewatchMs: 100, errorRetryMs: 200,
      decide: { pollMs: 100, resyncMs: 300, stuckPodMs: 1_000, workerGraceMs: 1_000, summaryWaitMs: 10_000, kafkaUnreachableMs: 2_000 },
    });
    operators.push(op);
    return op;
  }

  function runObject(name: string, spec: Partial<IncidentBenchRun['spec']> = {}): IncidentBenchRun {
    return {
      apiVersion: RUN_API_VERSION, kind: RUN_KIND, metadata: { name, namespace: NS },
      spec: {
        scenario: parse(scenarioText({ durations: [30, 30, 30, 30, 30, 30] })) as Record<string, unknown>,
        kafka: { bootstrapServers: kafka.bootstrap },
        // Nothing connects to it here: the Jobs only exist in the fake API server.
        target: { adapter: 'clickhouse', config: { url: 'http://127.0.0.1:8123' } },
        workers: { ingest: { replicas: 2, threads: 1 }, query: { replicas: 1 } },
        ...spec,
      },
    };
  }

  const getRun = (name: string): IncidentBenchRun | undefined => fake.get<IncidentBenchRun>(RUNS, NS, name);
  const condition = (run: IncidentBenchRun | undefined, type: Condition['type']): Condition | undefined => run?.status?.conditions?.find((c) => c.type === type);
  const waitPhase = (name: string, phase: string): Promise<IncidentBenchRun> =>
    fake.waitFor(() => { const r = getRun(name); return r?.status?.phase === phase ? r : undefined; }, `run ${name} in phase ${phase} (now ${getRun(name)?.status?.phase})`, 20_000);
  const jobsOf = (name: string): V1Job[] => fake.objects<V1Job>('jobs', NS).filter((j) => j.metadata?.labels?.['incidentbench.io/run'] === name);
  const eventsOf = (name: string): CoreV1Event[] => fake.objects<CoreV1Event>('events', NS).filter((e) => e.involvedObject.name === name);
  const waitJob = (name: string): Promise<V1Job> => fake.waitFor(() => fake.get<V1Job>('jobs', NS, name), `Job ${name}`, 20_000);

  async function planOf(name: string): Promise<RunPlan> {
    const cm = await fake.waitFor(() => fake.get<V1ConfigMap>('configmaps', NS, `${name}-plan`), `ConfigMap ${name}-plan`);
    return JSON.parse(cm.data![PLAN_KEY]!) as RunPlan;
  }

  /**
   * The run's harness topics, made before the run exists: the operator follows the live topic as soon as the run is
   * Preparing, and the test Kafka auto-creates a topic (4 partitions) on the first metadata request for it.
   */
  async function createTopics(run: string): Promise<void> {
    await kafka.createTopic(`ib.${run}.live`, 1);
    await kafka.createTopic(`ib.${run}.control`, 1);
    await kafka.createTopic(`ib.${run}.metrics`, 2);
  }

  async function publish(plan: RunPlan, m: Partial<LiveMessage> & { kind: LiveMessage['kind'] }): Promise<void> {
    await producer.send(plan.kafka.topics.live, plan.run.name, { ...m, run: plan.run.name, runId: plan.run.id });
  }

  function finishJob(name: string, how: 'Complete' | 'Failed', podMessage?: string): void {
    const now = new Date().toISOString();
    if (podMessage !== undefined) {
      const [pod] = fake.simulatePods({ namespace: NS, name }, { phase: 'Failed' });
      fake.update<FakeObject>('pods', NS, pod!.metadata.name!, (p) => {
        const st = p.status as { containerStatuses: { state: unknown }[] };
        st.containerStatuses[0]!.state = { terminated: { exitCode: 1, reason: 'Error', message: podMessage } };
      });
    }
    fake.update<V1Job>('jobs', NS, name, (j) => {
      j.status = how === 'Complete'
        ? { succeeded: 1, active: 0, completionTime: new Date(now), conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: new Date(now) }] }
        : { failed: 1, active: 0, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastTransitionTime: new Date(now) }] };
    });
  }

  function postsOf(kind: 'jobs' | 'configmaps'): string[] {
    return fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${kind}`))
      .map((r) => (r.body as { metadata?: { name?: string } }).metadata?.name ?? '?');
  }

  it('success: Pending → Preparing → Initializing → Running → Reporting → Completed, with results and the report ConfigMap', async () => {
    const op = startOperator();
    await op.start();
    await createTopics('ok1');
    await api.createRun(runObject('ok1'));
    const preparing = await waitPhase('ok1', 'Preparing');
    assert.ok(preparing.metadata.finalizers?.includes(FINALIZER));
    assert.equal(condition(preparing, 'Validated')?.status, 'True');
    const plan = await planOf('ok1');
    assert.equal(preparing.status?.runId, plan.run.id);
    const coordinator = await waitJob('ok1-coordinator');
    new Job(coordinator as ConstructorParameters<typeof Job>[0]).validate();

    await publish(plan, liveState('ok1', { stage: 'waiting', ready: { ingest: 1, query: 0 }, expected: { ingest: 2, query: 1 }, at: Date.now() }));
    const initializing = await waitPhase('ok1', 'Initializing');
    assert.equal(condition(initializing, 'Prepared')?.status, 'True');
    for (const name of ['ok1-ingest', 'ok1-query-default']) new Job((await waitJob(name)) as ConstructorParameters<typeof Job>[0]).validate();
    const ingest = fake.get<V1Job>('jobs', NS, 'ok1-ingest')!;
    assert.deepEqual([ingest.spec?.completionMode, ingest.spec?.completions, ingest.spec?.parallelism], ['Indexed', 2, 2]);
    await fake.waitFor(() => getRun('ok1')?.status?.workers?.ingest.ready === 1, 'workers.ingest.ready = 1');

    const t0 = Math.floor(Date.now() / 1000) * 1000;
    await publish(plan, liveState('ok1', { stage: 'running', ready: { ingest: 2, query: 1 }, expected: { ingest: 2, query: 1 }, t0, at: Date.now() }));
    await publish(plan, livePoint('ok1', 40, { phase: plan.phases[1]!.name, durationS: plan.totals.durationS }));
    const running = await fake.waitFor(() => { const r = getRun('ok1'); return r?.status?.progress?.elapsedSeconds === 40 ? r : undefined; }, 'progress mirrored');
    assert.equal(running.status?.phase, 'Running');
    assert.equal(condition(running, 'WorkersReady')?.status, 'True');
    assert.equal(running.status?.currentBenchmarkPhase, plan.phases[1]!.name);
    assert.equal(running.status?.currentBenchmarkPhaseIndex, 1);
    assert.equal(running.status?.startTime, new Date(t0).toISOString().replace('.000Z', 'Z'));

    // What `report --from-kafka` needs: the plan on the control topic, the records on the metrics topic.
    await producer.send(plan.kafka.topics.control, 'ok1', { v: 1, type: 'plan', run: 'ok1', runId: plan.run.id, from: 'coordinator', at: Date.now(), plan, planHash: planHash(plan) });
    const records = steadyRun(plan).records;
    await producer.sendBatch(plan.kafka.topics.metrics, records.map((r) => ({ key: 'ok1', value: r })));
    await publish(plan, liveState('ok1', { stage: 'reporting', ready: { ingest: 2, query: 1 }, expected: { ingest: 2, query: 1 }, at: Date.now() }));
    await publish(plan, liveSummary('ok1', { valid: false, exitCode: 2, violations: [{ rule: 'minimum_duration', name: 'minimum duration', message: 'too short' }], at: Date.now() }));
    const reported = await fake.waitFor(() => { const r = getRun('ok1'); return r?.status?.results ? r : undefined; }, 'results in status', 30_000);
    assert.equal(reported.status?.phase, 'Reporting');
    assert.equal(reported.status?.results?.valid, false);
    assert.deepEqual(reported.status?.results?.validityViolations, ['minimum duration: too short']);
    assert.equal(reported.status?.results?.reportConfigMap, 'ok1-report');
    assert.equal(condition(reported, 'RunComplete')?.status, 'True');
    const report = fake.get<V1ConfigMap>('configmaps', NS, 'ok1-report')!;
    new ConfigMap(report as ConstructorParameters<typeof ConfigMap>[0]).validate();
    const runJson = JSON.parse(gunzipSync(Buffer.from(report.binaryData![REPORT_KEYS.runJson]!, 'base64')).toString('utf8')) as { run: { name: string } };
    assert.equal(runJson.run.name, 'ok1');
    assert.match(gunzipSync(Buffer.from(report.binaryData![REPORT_KEYS.reportHtml]!, 'base64')).toString('utf8'), /<html/i);

    for (const name of ['ok1-ingest', 'ok1-query-default', 'ok1-coordinator']) finishJob(name, 'Complete');
    const completed = await waitPhase('ok1', 'Completed');
    assert.ok(completed.status?.completionTime);
    await fake.waitFor(() => eventsOf('ok1').some((e) => e.reason === 'Completed'), 'Completed event');
    const reasons = eventsOf('ok1').map((e) => `${e.type}:${e.reason}`);
    for (const r of ['Normal:Preparing', 'Normal:Initializing', 'Normal:Running', 'Normal:Reporting', 'Warning:RunFinished', 'Normal:Completed']) {
      assert.ok(reasons.includes(r), `event ${r} in ${reasons.join(', ')}`);
    }
    assert.deepEqual(postsOf('jobs').filter((n) => n.startsWith('ok1-')).sort(), ['ok1-coordinator', 'ok1-ingest', 'ok1-query-default']);
  });

  it('invalid spec: Failed with Validated=False/InvalidSpec listing every problem, a Warning event, nothing created', async () => {
    const op = startOperator();
    await op.start();
    await api.createRun(runObject('bad1', { workers: { ingest: { replicas: 1 }, queryGroups: [{ name: 'nosuch', replicas: 1 }] } }));
    const failed = await waitPhase('bad1', 'Failed');
    const c = condition(failed, 'Validated');
    assert.deepEqual([c?.status, c?.reason], ['False', 'InvalidSpec']);
    assert.match(c?.message ?? '', /spec\.workers\.queryGroups: "nosuch" is not a query group of the scenario/);
    await fake.waitFor(() => eventsOf('bad1').some((e) => e.type === 'Warning' && e.reason === 'InvalidSpec'), 'InvalidSpec event');
    assert.deepEqual(jobsOf('bad1'), []);
    assert.equal(fake.get('configmaps', NS, 'bad1-plan'), undefined);
  });

  it('dry run: Completed with the plan summary; only the plan ConfigMap is created', async () => {
    const op = startOperator();
    await op.start();
    await api.createRun(runObject('dry1', { dryRun: true }));
    const done = await waitPhase('dry1', 'Completed');
    assert.match(done.status?.planSummary ?? '', /dry run of dry1/);
    assert.match(done.status?.planSummary ?? '', /workers: ingest 2 × 1 threads; query default 1/);
    assert.ok(fake.get('configmaps', NS, 'dry1-plan'));
    assert.deepEqual(jobsOf('dry1'), []);
    assert.equal(done.metadata.finalizers, undefined);
  });

  it('coordinator failure while preparing: Failed, Prepared=False/CoordinatorFailed with the pod\'s last log lines', async () => {
    const op = startOperator();
    await op.start();
    await api.createRun(runObject('cf1'));
    await waitJob('cf1-coordinator');
    finishJob('cf1-coordinator', 'Failed', 'Kafka unreachable at kafka:9092 within 10 s: no answer from any broker');
    const failed = await waitPhase('cf1', 'Failed');
    const c = condition(failed, 'Prepared');
    assert.deepEqual([c?.status, c?.reason], ['False', 'CoordinatorFailed']);
    assert.match(c?.message ?? '', /exited with code 1: Kafka unreachable at kafka:9092/);
    assert.ok(fake.get('jobs', NS, 'cf1-coordinator'), 'the failed Job is kept for debugging');
    assert.ok(fake.objects('pods', NS).some((p) => p.metadata.name?.startsWith('cf1-coordinator')), 'its pod is kept');
  });

  it('READY timeout: Failed with WorkersReady=False/ReadyTimeout naming the missing workers', async () => {
    const op = startOperator();
    await op.start();
    await createTopics('rt1');
    await api.createRun(runObject('rt1'));
    const plan = await planOf('rt1');
    await publish(plan, liveState('rt1', { stage: 'waiting', ready: { ingest: 1, query: 0 }, expected: { ingest: 2, query: 1 }, at: Date.now() }));
    await waitPhase('rt1', 'Initializing');
    await publish(plan, liveState('rt1', { stage: 'failed', reason: 'READY barrier timed out after 120 s; missing ingest-1, query-default-0', ready: { ingest: 1, query: 0 }, expected: { ingest: 2, query: 1 }, at: Date.now() + 1 }));
    const failed = await waitPhase('rt1', 'Failed');
    const c = condition(failed, 'WorkersReady');
    assert.deepEqual([c?.status, c?.reason], ['False', 'ReadyTimeout']);
    assert.match(c?.message ?? '', /missing ingest-1, query-default-0/);
    assert.ok(fake.get('jobs', NS, 'rt1-ingest'), 'worker Jobs stay for debugging');
  });

  it('deletion mid-run: running Jobs deleted, the cleanup Job created, the finalizer removed after it succeeds, children cascade', async () => {
    const op = startOperator();
    await op.start();
    await createTopics('del1');
    await api.createRun(runObject('del1'));
    const plan = await planOf('del1');
    await publish(plan, liveState('del1', { stage: 'running', ready: { ingest: 2, query: 1 }, expected: { ingest: 2, query: 1 }, t0: Date.now(), at: Date.now() }));
    await waitPhase('del1', 'Running');
    await waitJob('del1-ingest');
    await api.deleteRun(NS, 'del1');
    const cleanup = await waitJob('del1-cleanup');
    new Job(cleanup as ConstructorParameters<typeof Job>[0]).validate();
    assert.deepEqual(cleanup.spec?.template.spec?.containers[0]?.args, ['cleanup', '--plan', '/etc/incidentbench/plan/plan.json']);
    for (const name of ['del1-coordinator', 'del1-ingest', 'del1-query-default']) assert.equal(fake.get('jobs', NS, name), undefined, `${name} deleted before cleanup`);
    assert.ok(getRun('del1'), 'the run waits for its cleanup');
    finishJob('del1-cleanup', 'Complete');
    await fake.waitFor(() => getRun('del1') === undefined, 'run gone');
    await fake.waitFor(() => jobsOf('del1').length === 0 && fake.get('configmaps', NS, 'del1-plan') === undefined, 'children gone');
    await fake.waitFor(() => eventsOf('del1').some((e) => e.reason === 'CleanupDone'), 'CleanupDone event');
    const reasons = eventsOf('del1').map((e) => e.reason);
    for (const r of ['Stopping', 'CleanupStarted', 'CleanupDone']) assert.ok(reasons.includes(r), `event ${r} in ${reasons.join(', ')}`);
  });

  it('a status write that conflicts is retried after re-reading the run (optimistic concurrency)', async () => {
    fake.failNext('PUT', /\/incidentbenchruns\/cx1\/status$/, 409, { reason: 'Conflict' });
    const op = startOperator();
    await op.start();
    await api.createRun(runObject('cx1'));
    await waitPhase('cx1', 'Preparing');
    const puts = fake.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/incidentbenchruns/cx1/status'));
    assert.ok(puts.length >= 2, `status written again after the conflict (${puts.length} PUTs)`);
    assert.deepEqual(postsOf('jobs').filter((n) => n.startsWith('cx1-')), ['cx1-coordinator']);
  });

  it('operator restart mid-run: a new operator continues from the resource and the topics and creates nothing twice', async () => {
    const first = startOperator();
    await first.start();
    await createTopics('rs1');
    await api.createRun(runObject('rs1'));
    const plan = await planOf('rs1');
    await publish(plan, liveState('rs1', { stage: 'waiting', ready: { ingest: 0, query: 0 }, expected: { ingest: 2, query: 1 }, at: Date.now() }));
    await waitPhase('rs1', 'Initializing');
    await waitJob('rs1-query-default');
    await first.stop();
    operators.splice(operators.indexOf(first), 1);

    await publish(plan, liveState('rs1', { stage: 'running', ready: { ingest: 2, query: 1 }, expected: { ingest: 2, query: 1 }, t0: Date.now(), at: Date.now() + 1 }));
    const second = startOperator();
    await second.start();
    const running = await waitPhase('rs1', 'Running');
    assert.equal(running.status?.runId, plan.run.id);
    const planAgain = await planOf('rs1');
    assert.equal(planAgain.run.id, plan.run.id);
    assert.deepEqual(postsOf('jobs').filter((n) => n.startsWith('rs1-')).sort(), ['rs1-coordinator', 'rs1-ingest', 'rs1-query-default']);
    assert.deepEqual(postsOf('configmaps').filter((n) => n.startsWith('rs1-')), ['rs1-plan']);
    const preparingEvents = eventsOf('rs1').filter((e) => e.reason === 'Preparing' || e.reason === 'Initializing');
    assert.equal(preparingEvents.length, 2, 'earlier steps are not announced again');
  });
});
