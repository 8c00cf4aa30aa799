// `incidentbench worker --role query` as a separate process (SPEC §7, §9): learns its endpoint from the
// coordinator's `prepared` message, runs its arrivals against a real ClickHouse, publishes snapshots, reports DONE.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from '../../../src/core/canonical-json.js';
import { silentLogger } from '../../../src/core/logger.js';
import { systemTimers } from '../../../src/core/timers.js';
import { KafkaControlChannel } from '../../../src/control/kafka-control-channel.js';
import type { ControlMessage } from '../../../src/control/protocol.js';
import { ReadyBarrier } from '../../../src/control/ready-barrier.js';
import { startTime } from '../../../src/control/start-time.js';
import { adapterFor, prepareRun } from '../../../src/control/target-session.js';
import { createKafka } from '../../../src/kafka/client-factory.js';
import { JsonConsumer } from '../../../src/kafka/json-consumer.js';
import { kafkaSettingsFromEnv } from '../../../src/kafka/kafka-config.js';
import { addQueryBlock, emptyQueryTotals } from '../../../src/metrics/query-totals.js';
import { parseWorkerSnapshot } from '../../../src/metrics/parse-worker-snapshot.js';
import { planHash } from '../../../src/scenario/plan.js';
import { miniPlan } from '../../support/mini-plan.js';
import { CLI } from '../../support/run-cli.js';
import { startClickHouse, type TestClickHouse } from '../../support/clickhouse/index.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';

describe('`incidentbench worker --role query` process against ClickHouse (SPEC §7.4, §9)', function () {
  this.timeout(120_000);
  let kafka: TestKafka;
  let ch: TestClickHouse;
  let dir: string;
  before(async () => {
    [kafka, ch] = await Promise.all([startTestKafka(), startClickHouse()]);
    dir = mkdtempSync(join(tmpdir(), 'ib-qw-'));
  });
  after(async () => {
    await Promise.all([kafka?.stop(), ch?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs its arrivals after START and its snapshots add up to its DONE totals', async () => {
    const plan = miniPlan([{ name: 'one', durationS: 4, eps: 10, qps: 5 }], { run: 'qw-proc', bootstrap: kafka.bootstrap, freshness: false });
    plan.target = { adapter: 'clickhouse', config: { url: ch.url }, configHash: sha256Hex(canonicalJson({ url: ch.url })) };
    const hash = planHash(plan);
    const file = join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    await kafka.createTopic(plan.kafka.topics.control, 1);
    const settings = kafkaSettingsFromEnv({}, { bootstrap: kafka.bootstrap });
    const adapter = adapterFor(plan, silentLogger);
    const { prepared } = await prepareRun(plan, adapter, settings, silentLogger);
    await adapter.close?.();

    const client = createKafka(settings, { run: plan.run.name, role: 'coordinator', logger: silentLogger });
    const control = new KafkaControlChannel(client, plan.kafka.topics.control,
      { run: plan.run.name, runId: plan.run.id, from: 'coordinator', clock: systemTimers.clock }, silentLogger);
    const seen: ControlMessage[] = [];
    control.subscribe((m) => seen.push(m));
    await control.start();
    await control.joined();
    await control.send({ type: 'prepared', planHash: hash, prepareResult: prepared });

    const child = spawn(process.execPath, [CLI, 'worker', '--role', 'query', '--plan', file, '--index', '0', '--json'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));

    const barrier = new ReadyBarrier([{ id: 'query-0', role: 'query', index: 0, group: 'default' }], hash, systemTimers, 60);
    control.subscribe((m) => barrier.handle(m));
    await barrier.done;
    const totals = emptyQueryTotals();
    const metrics = new JsonConsumer(client, [plan.kafka.topics.metrics], (m) => {
      const p = parseWorkerSnapshot(m.value);
      assert.ok(p.ok, p.ok ? '' : p.reason);
      if (p.snapshot.query) addQueryBlock(totals, p.snapshot.query);
      for (const l of Object.values(p.snapshot.late ?? {})) if (l.query) addQueryBlock(totals, l.query);
    });
    await metrics.start();
    await control.send({ type: 'start', t0: startTime(Date.now(), 3000) });
    assert.equal(await exit, 0, stderr);

    const by = Date.now() + 15_000;
    while (!seen.some((m) => m.type === 'done') && Date.now() < by) await new Promise((r) => setTimeout(r, 100));
    const done = seen.find((m): m is Extract<ControlMessage, { type: 'done' }> => m.type === 'done')!;
    assert.ok(done, 'DONE received');
    assert.deepEqual(done.totals.query, { due: 20, started: 20, ok: 20, errors: 0, timeouts: 0, dropped: 0 });
    while (totals.ok < 20 && Date.now() < by) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual({ due: totals.due, started: totals.started, ok: totals.ok }, { due: 20, started: 20, ok: 20 });
    assert.equal(totals.latency.count, 20);
    await metrics.stop();
    await control.stop();
  });
});
