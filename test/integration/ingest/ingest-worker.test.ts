import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { silentLogger } from '../../../src/core/logger.js';
import { systemTimers } from '../../../src/core/timers.js';
import { EventEncoder } from '../../../src/generators/event-encoder.js';
import { IngestWorker } from '../../../src/generators/ingest-worker.js';
import { StreamSchedule } from '../../../src/generators/schedule.js';
import { SentinelSchedule, sentinelId } from '../../../src/generators/sentinels.js';
import { kafkaSettingsFromEnv } from '../../../src/kafka/kafka-config.js';
import { addIngestBlock, emptyIngestTotals } from '../../../src/metrics/ingest-totals.js';
import { parseWorkerSnapshot } from '../../../src/metrics/parse-worker-snapshot.js';
import type { WorkerSnapshot } from '../../../src/metrics/worker-snapshot.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { miniPlan, type MiniPhase } from '../../support/mini-plan.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';

const PROC = () => ({ cpuPct: 0, cpuLimitCores: 2, rssMb: 0, eventLoopDelayP99Ms: 0 });

async function runWorker(plan: RunPlan, bootstrap: string, during?: (t0: number) => Promise<void>) {
  const snapshots: WorkerSnapshot[] = [];
  const worker = new IngestWorker({
    plan, index: 0, kafka: kafkaSettingsFromEnv({}, { bootstrap, connectTimeoutMs: 5000 }), timers: systemTimers,
    logger: silentLogger, sampleProc: PROC,
    publish: async (s) => {
      // through JSON, as on the metrics topic
      const parsed = parseWorkerSnapshot(JSON.parse(JSON.stringify(s)));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      snapshots.push(parsed.snapshot);
    },
    finishGraceMs: 15_000,
    laneLogLevel: 'error',
  });
  await worker.warmUp();
  const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  const side = during?.(t0);
  const totals = await worker.run(t0);
  await side;
  await worker.close();
  return { snapshots, totals, t0 };
}

/** Every main and late ingest block of the snapshots, merged per due second. */
function mergeBySecond(snapshots: WorkerSnapshot[]) {
  const bySecond = new Map<number, ReturnType<typeof emptyIngestTotals>>();
  const add = (second: number, block: NonNullable<WorkerSnapshot['ingest']>) => {
    let t = bySecond.get(second);
    if (!t) bySecond.set(second, (t = emptyIngestTotals()));
    addIngestBlock(t, block);
  };
  for (const s of snapshots) {
    if (s.ingest) add(s.second, s.ingest);
    for (const [sec, late] of Object.entries(s.late ?? {})) if (late.ingest) add(Number(sec), late.ingest);
  }
  return bySecond;
}

async function readTopic(bootstrap: string, topic: string, expected: number, timeoutMs = 20_000): Promise<string[]> {
  const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, clientId: 'ib-test-reader' });
  const consumer = kafka.consumer({ groupId: `reader-${Math.random()}`, maxWaitTimeInMs: 100 });
  const out: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({ eachMessage: async ({ message }) => {
    out.push(message.value!.toString());
    if (out.length >= expected) resolveDone();
  } });
  await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
  await new Promise((r) => setTimeout(r, 500)); // anything beyond the expected count would show up here
  await consumer.disconnect();
  return out;
}

describe('ingest worker against the test Kafka (SPEC §6)', function () {
  this.timeout(120_000);
  let kafka: TestKafka;
  before(async () => {
    kafka = await startTestKafka();
  });
  after(async () => {
    await kafka?.stop();
  });

  it('produces exactly the generator\'s events at the target rate of each phase of a 3-phase timeline', async () => {
    const phases: MiniPhase[] = [
      { name: 'calm', durationS: 3, eps: 400, batchSize: 50 },
      { name: 'surge', durationS: 3, eps: 1600, batchSize: 200 },
      { name: 'after', durationS: 3, eps: 800, batchSize: 100 },
    ];
    const plan = miniPlan(phases, { run: 'ingest-exact', threads: 2, bootstrap: kafka.bootstrap });
    await kafka.createTopic(plan.streams[0]!.topic, 4);
    const { snapshots, totals, t0 } = await runWorker(plan, kafka.bootstrap);
    const total = 3 * (400 + 1600 + 800);
    assert.deepEqual(totals.ingest, { due: total, produced: total, acked: total, failed: 0, missed: 0 });

    const merged = mergeBySecond(snapshots);
    plan.phases.forEach((p, i) => {
      let acked = 0;
      for (let s = t0 / 1000 + p.offsetS; s < t0 / 1000 + p.offsetS + p.durationS; s++) acked += merged.get(s)?.acked ?? 0;
      const eps = acked / p.durationS;
      assert.ok(Math.abs(eps - phases[i]!.eps) / phases[i]!.eps < 0.02, `phase ${p.name}: ${eps} EPS vs ${phases[i]!.eps}`);
    });
    // snapshots merge back to the worker's totals
    let due = 0;
    let acked = 0;
    for (const t of merged.values()) {
      due += t.due;
      acked += t.acked;
    }
    assert.equal(due, total);
    assert.equal(acked, total);

    // the topic holds exactly the generator's events (with the sentinels' ids substituted)
    const schedule = new StreamSchedule(t0, plan.phases, plan.streams[0]!.phases);
    const sentinels = new SentinelSchedule(schedule, plan.harness.freshness.intervalS);
    const marks = new Map(sentinels.inRange(0, total).map((m) => [m.g, m.n]));
    const encoder = new EventEncoder({ fields: plan.scenario.streams[0]!.fields, seed: plan.streams[0]!.seed,
      idField: plan.streams[0]!.sentinelField });
    const expected: string[] = [];
    for (let g = 0; g < total; g++) {
      const n = marks.get(g);
      expected.push(encoder.encode(g, schedule.scheduledTimeOf(g), schedule.profileOf(g),
        n === undefined ? undefined : sentinelId(plan.run.id, n)));
    }
    const got = await readTopic(kafka.bootstrap, plan.streams[0]!.topic, total);
    assert.equal(got.length, total);
    assert.deepEqual(got.sort(), expected.sort());
    const reported = [...merged.values()].flatMap((t) => t.sentinels);
    assert.equal(reported.length, marks.size);
    assert.ok(marks.size >= 9, 'one sentinel per second');
  });

  it('counts missed events when the target rate exceeds what the worker can send', async () => {
    const plan = miniPlan([{ name: 'flood', durationS: 3, eps: 400_000, batchSize: 1000 }],
      { run: 'ingest-missed', threads: 1, maxInflightBatches: 1, freshness: false, bootstrap: kafka.bootstrap });
    await kafka.createTopic(plan.streams[0]!.topic, 4);
    await kafka.setRtt(1, 200);
    try {
      const { totals, snapshots } = await runWorker(plan, kafka.bootstrap);
      const t = totals.ingest!;
      assert.equal(t.due, 1_200_000);
      assert.ok(t.missed > 0, 'missed counted');
      assert.equal(t.acked + t.failed + t.missed, t.due, 'every due event is acked, failed or missed');
      const merged = mergeBySecond(snapshots);
      const missed = [...merged.values()].reduce((a, x) => a + x.missed, 0);
      assert.equal(missed, t.missed);
    } finally {
      await kafka.setRtt(1, 0);
    }
  });

  it('counts failures by class while the broker is down for 5 s, resumes after, and never reports unacked events as acked', async () => {
    const plan = miniPlan([{ name: 'steady', durationS: 14, eps: 300, batchSize: 30 }],
      { run: 'ingest-broker-down', threads: 2, freshness: false, bootstrap: kafka.bootstrap });
    await kafka.createTopic(plan.streams[0]!.topic, 4);
    const { totals, snapshots, t0 } = await runWorker(plan, kafka.bootstrap, async (start) => {
      await new Promise((r) => setTimeout(r, start - Date.now() + 3000));
      await kafka.brokerDown(1);
      await new Promise((r) => setTimeout(r, 5000));
      await kafka.brokerUp(1);
    });
    const t = totals.ingest!;
    assert.equal(t.due, 14 * 300);
    assert.equal(t.acked + t.failed + t.missed, t.due);
    assert.ok(t.failed + t.missed > 0, 'the outage cost events');
    const merged = mergeBySecond(snapshots);
    const classes = new Map<string, number>();
    for (const x of merged.values()) for (const [k, v] of x.errorClasses) classes.set(k, (classes.get(k) ?? 0) + v);
    if (t.failed > 0) assert.ok(classes.size > 0 && [...classes.values()].reduce((a, b) => a + b, 0) === t.failed,
      `failures by class: ${JSON.stringify([...classes])}`);
    const retries = [...merged.values()].reduce((x, y) => x + y.retries, 0);
    assert.ok(retries > 0, 'kafkajs retries during the outage are counted');
    const lastSecond = t0 / 1000 + 13;
    assert.ok((merged.get(lastSecond)?.acked ?? 0) > 0, 'producing resumed after the broker came back');
    const inTopic = await readTopic(kafka.bootstrap, plan.streams[0]!.topic, t.acked + t.failed, 15_000);
    assert.ok(inTopic.length >= t.acked, `every acked event is in the topic (${inTopic.length} ≥ ${t.acked})`);
    assert.ok(inTopic.length <= t.acked + t.failed, 'nothing beyond what was sent');
  });
});
