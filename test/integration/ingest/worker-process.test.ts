import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../src/core/logger.js';
import { systemTimers } from '../../../src/core/timers.js';
import { expectedWorkers } from '../../../src/control/expected-workers.js';
import { KafkaControlChannel } from '../../../src/control/kafka-control-channel.js';
import type { ControlMessage } from '../../../src/control/protocol.js';
import { ReadyBarrier } from '../../../src/control/ready-barrier.js';
import { START_LEAD_MS, startTime } from '../../../src/control/start-time.js';
import { createKafka } from '../../../src/kafka/client-factory.js';
import { JsonConsumer } from '../../../src/kafka/json-consumer.js';
import { kafkaSettingsFromEnv } from '../../../src/kafka/kafka-config.js';
import { addIngestBlock, emptyIngestTotals } from '../../../src/metrics/ingest-totals.js';
import { parseWorkerSnapshot } from '../../../src/metrics/parse-worker-snapshot.js';
import { planHash } from '../../../src/scenario/plan.js';
import { miniPlan } from '../../support/mini-plan.js';
import { CLI } from '../../support/run-cli.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';

describe('`incidentbench worker --role ingest` processes driven over the control topic (SPEC §9)', function () {
  this.timeout(120_000);
  let kafka: TestKafka;
  let dir: string;
  const children: ChildProcess[] = [];
  before(async () => {
    kafka = await startTestKafka();
    dir = mkdtempSync(join(tmpdir(), 'ib-worker-'));
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await kafka?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the READY barrier naming the missing worker, then runs two workers whose snapshots add up to their DONE totals', async () => {
    const plan = miniPlan([{ name: 'one', durationS: 3, eps: 300, batchSize: 30 }, { name: 'two', durationS: 3, eps: 600, batchSize: 60 }],
      { run: 'worker-procs', workers: 2, threads: 1, bootstrap: kafka.bootstrap, queries: false });
    const hash = planHash(plan);
    const file = join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    await kafka.createTopic(plan.streams[0]!.topic, 4);
    await kafka.createTopic(plan.kafka.topics.control, 1);
    await kafka.createTopic(plan.kafka.topics.metrics, 2);

    const settings = kafkaSettingsFromEnv({}, { bootstrap: kafka.bootstrap, connectTimeoutMs: 5000 });
    const client = createKafka(settings, { run: plan.run.name, role: 'coordinator', logger: silentLogger });
    const control = new KafkaControlChannel(client, plan.kafka.topics.control,
      { run: plan.run.name, runId: plan.run.id, from: 'coordinator', clock: systemTimers.clock }, silentLogger);
    const seen: ControlMessage[] = [];
    control.subscribe((m) => seen.push(m));
    await control.start();
    await control.joined();

    const worker = (index: number) => {
      const c = spawn(process.execPath, [CLI, 'worker', '--role', 'ingest', '--plan', file, '--index', String(index),
        '--kafka', kafka.bootstrap, '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      children.push(c);
      return { child: c, exit: new Promise<number>((r) => c.on('exit', (code) => r(code ?? -1))), stderr: () => err };
    };

    const w0 = worker(0);
    const first = new ReadyBarrier(expectedWorkers(plan), hash, systemTimers, 12);
    const offFirst = control.subscribe((m) => first.handle(m));
    await assert.rejects(first.done, /READY barrier timed out after 12 s: missing ingest-1 \(no hello\)$/);
    offFirst();

    const w1 = worker(1);
    const barrier = new ReadyBarrier(expectedWorkers(plan), hash, systemTimers, 60);
    control.subscribe((m) => barrier.handle(m));
    await barrier.done;

    const snapshots = emptyIngestTotals();
    let snapshotCount = 0;
    const metrics = new JsonConsumer(client, [plan.kafka.topics.metrics], (m) => {
      const parsed = parseWorkerSnapshot(m.value);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      snapshotCount++;
      if (parsed.snapshot.ingest) addIngestBlock(snapshots, parsed.snapshot.ingest);
      for (const late of Object.values(parsed.snapshot.late ?? {})) if (late.ingest) addIngestBlock(snapshots, late.ingest);
    });
    await metrics.start();

    const t0 = startTime(Date.now(), START_LEAD_MS.local);
    await control.send({ type: 'start', t0 });
    assert.deepEqual(await Promise.all([w0.exit, w1.exit]), [0, 0], `${w0.stderr()}\n${w1.stderr()}`);

    // The workers have exited after sending DONE; our reader may still be a fetch behind.
    const doneBy = Date.now() + 15_000;
    while (seen.filter((m) => m.type === 'done').length < 2 && Date.now() < doneBy) await new Promise((r) => setTimeout(r, 100));
    const done = seen.filter((m): m is Extract<ControlMessage, { type: 'done' }> => m.type === 'done');
    assert.deepEqual(done.map((d) => d.from).sort(), ['ingest-0', 'ingest-1']);
    const total = { due: 0, acked: 0, failed: 0, missed: 0 };
    for (const d of done) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += d.totals.ingest![k];
    assert.deepEqual(total, { due: 2700, acked: 2700, failed: 0, missed: 0 });
    assert.ok(seen.some((m) => m.type === 'heartbeat'), 'workers heartbeat');

    const deadline = Date.now() + 15_000;
    while (snapshots.acked < total.acked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual({ due: snapshots.due, acked: snapshots.acked, failed: snapshots.failed, missed: snapshots.missed }, total);
    assert.ok(snapshotCount >= 12, `one snapshot per second per worker (${snapshotCount})`);
    await metrics.stop();
    await control.stop();
  });
});
