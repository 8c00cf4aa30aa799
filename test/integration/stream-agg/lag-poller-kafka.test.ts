// Integration test of the lag poller against the test Kafka (SPEC §10.2): start offsets recorded before the run's
// messages, a consumer group that has not committed yet, then commits — lag goes from N to 0, committed advancing.

import assert from 'node:assert/strict';
import type { Admin, Consumer } from 'kafkajs';
import type { RunContext } from '../../../src/adapters/types.js';
import { silentLogger } from '../../../src/core/logger.js';
import { systemTimers } from '../../../src/core/timers.js';
import type { KafkaClient } from '../../../src/kafka/client-factory.js';
import { ConsumerLagReader } from '../../../src/kafka/offsets.js';
import { harnessProducerConfig } from '../../../src/kafka/producer-options.js';
import { LagPoller, type DrainResult, type LagReadingFailure } from '../../../src/stream-agg/lag-poller.js';
import { lagSourceFor } from '../../../src/stream-agg/lag-source.js';
import type { LagRecord } from '../../../src/stream-agg/records.js';
import { readStartOffsets } from '../../../src/stream-agg/start-offsets.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';
import { captureLog, testClient, until } from '../kafka/support.js';

describe('lag poller on the test Kafka (SPEC §10.2)', function () {
  const topic = 'ib.lagpoll.events';
  const group = 'ib-lagpoll-target';
  const perPartition = 20;
  const partitions = 2;
  const N = perPartition * partitions;
  let kafka: TestKafka;
  let client: KafkaClient;
  let admin: Admin;
  let consumer: Consumer | undefined;
  let poller: LagPoller | undefined;

  before(async function () {
    kafka = await startTestKafka();
    await kafka.createTopic(topic, partitions);
    client = testClient(kafka.bootstrap, 'coordinator', captureLog().logger);
    admin = await client.connectedAdmin();
  });
  after(async function () {
    await poller?.stop();
    await consumer?.disconnect();
    await admin?.disconnect();
    await kafka?.stop();
  });

  async function produce(count: number, tag: string): Promise<void> {
    const p = client.producer(harnessProducerConfig());
    await client.connectOrFail(p);
    try {
      await p.send({ topic, messages: Array.from({ length: partitions }, (_, partition) =>
        Array.from({ length: count }, (_, i) => ({ partition, value: JSON.stringify({ tag, i }) }))).flat() });
    } finally {
      await p.disconnect();
    }
  }

  /** A member of the target's group that consumes nothing by itself: it only commits what the test says. */
  async function joinGroup(): Promise<Consumer> {
    const c = client.consumer({ groupId: group, maxWaitTimeInMs: 100 });
    await client.connectOrFail(c);
    const joined = new Promise<void>((resolve) => c.on(c.events.GROUP_JOIN, () => resolve()));
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({ autoCommit: false, eachMessage: async () => undefined });
    await joined;
    return c;
  }

  it('reads lag N for a group that has not committed yet, then follows its commits down to 0 and drains', async function () {
    await produce(3, 'an earlier run'); // before the start offsets: not this run's lag
    const reader = new ConsumerLagReader(admin);
    const start = await readStartOffsets(reader, { events: topic });
    assert.deepEqual(start, { events: [{ partition: 0, offset: 3 }, { partition: 1, offset: 3 }] });
    await produce(perPartition, 'run');

    const ctx: RunContext = { run: 'lagpoll', runId: 'abcdef0123456789', streams: [], logger: silentLogger };
    const source = lagSourceFor({ reader, adapter: {}, ctx, prepared: { consumerGroups: { events: group } }, topics: { events: topic }, startOffsets: start });
    const records: LagRecord[] = [];
    const errors: LagReadingFailure[] = [];
    poller = new LagPoller({ source, streams: ['events'], timers: systemTimers, onRecord: (r) => records.push(r), onError: (e) => errors.push(e) });
    poller.start();

    await until(() => records.length > 0);
    assert.equal(records[0]!.lag, N, 'no consumer group yet: lag counts everything since the start offsets');

    consumer = await joinGroup();
    await consumer.commitOffsets([0, 1].map((partition) => ({ topic, partition, offset: String(3 + perPartition / 2) })));
    await until(() => records.some((r) => r.lag === N / 2));

    await consumer.commitOffsets([0, 1].map((partition) => ({ topic, partition, offset: String(3 + perPartition) })));
    const drain: DrainResult = await poller.waitDrained({ timeoutMs: 30_000, consecutiveZero: 3 });
    await poller.stop();

    assert.deepEqual(errors, []);
    assert.equal(drain.drained, true);
    assert.ok(drain.readings >= 3, `drained after ${drain.readings} readings`);
    assert.deepEqual(records.slice(-3).map((r) => r.lag), [0, 0, 0]);
    const lags = records.map((r) => r.lag);
    assert.ok(lags.every((l, i) => i === 0 || l <= lags[i - 1]!), `lag never rises: ${lags.join(' ')}`);
    assert.deepEqual([...new Set(lags)], [N, N / 2, 0]);
    const committed = records.map((r) => r.committed!);
    assert.ok(committed.every((c, i) => i === 0 || c >= committed[i - 1]!), `committed advances: ${committed.join(' ')}`);
    assert.equal(committed[0], 2 * 3);
    assert.equal(committed.at(-1), 2 * 3 + N);
    assert.ok(records.every((r) => r.endOffsets === 2 * 3 + N && r.lag === r.endOffsets - r.committed!));
    assert.ok(records.every((r) => !('stream' in r) && r.second === Math.floor(r.at! / 1000)));
    const seconds = records.map((r) => r.second);
    assert.ok(seconds.every((s, i) => i === 0 || s > seconds[i - 1]!), `one reading per second: ${seconds.join(' ')}`);
  });
});
