// Integration test of consumer lag (SPEC §10.2) against the test Kafka: a group that committed part of the
// messages, partitions with and without commits, start offsets recorded before the run's messages.

import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import type { KafkaClient } from '../../../src/kafka/client-factory.js';
import { ConsumerLagReader } from '../../../src/kafka/offsets.js';
import { harnessProducerConfig } from '../../../src/kafka/producer-options.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';
import { captureLog, testClient } from './support.js';

describe('consumer lag on the test Kafka (SPEC §10.2)', function () {
  const topic = 'ib.lag.events';
  const group = 'ib-lag-events';
  let kafka: TestKafka;
  let client: KafkaClient;
  let admin: Admin;

  before(async function () {
    kafka = await startTestKafka();
    await kafka.createTopic(topic, 4);
    client = testClient(kafka.bootstrap, 'coordinator', captureLog().logger);
    admin = await client.connectedAdmin();
  });
  after(async function () {
    await admin?.disconnect();
    await kafka?.stop();
  });

  async function produce(perPartition: number[], tag: string): Promise<void> {
    const p = client.producer(harnessProducerConfig());
    await client.connectOrFail(p);
    try {
      await p.send({ topic, messages: perPartition.flatMap((n, partition) =>
        Array.from({ length: n }, (_, i) => ({ partition, value: JSON.stringify({ tag, i }) }))) });
    } finally {
      await p.disconnect();
    }
  }

  async function commit(offsets: { partition: number; offset: number }[]): Promise<void> {
    const c = client.consumer({ groupId: group, maxWaitTimeInMs: 100 });
    await client.connectOrFail(c);
    try {
      const joined = new Promise<void>((resolve) => c.on(c.events.GROUP_JOIN, () => resolve()));
      await c.subscribe({ topics: [topic], fromBeginning: true });
      await c.run({ autoCommit: false, eachMessage: async () => undefined });
      await joined;
      await c.commitOffsets(offsets.map((o) => ({ topic, partition: o.partition, offset: String(o.offset) })));
    } finally {
      await c.disconnect();
    }
  }

  it('lag = messages produced in the run − messages the group consumed, counting uncommitted partitions from the start', async function () {
    const reader = new ConsumerLagReader(admin);
    await produce([2, 3, 4, 1], 'before the run'); // an earlier run's events: not this run's lag
    const start = await reader.endOffsets(topic);
    assert.deepEqual(start, [0, 1, 2, 3].map((partition) => ({ partition, offset: [2, 3, 4, 1][partition]! })));

    const run = [5, 6, 7, 8];
    await produce(run, 'run');
    // p0 consumed all, p1 two of six, p2 committed below the start (an old commit), p3 no commit at all
    await commit([{ partition: 0, offset: 7 }, { partition: 1, offset: 5 }, { partition: 2, offset: 1 }]);

    assert.deepEqual(await reader.committedOffsets(group, topic), [
      { partition: 0, offset: 7 }, { partition: 1, offset: 5 }, { partition: 2, offset: 1 }, { partition: 3, offset: -1 },
    ]);
    const reading = await reader.lag(topic, group, start);
    const produced = run.reduce((a, b) => a + b, 0);
    const consumed = (7 - 2) + (5 - 3);
    assert.equal(reading.lag, produced - consumed);
    assert.deepEqual(reading.partitions.map((p) => p.lag), [0, 4, 7, 8]);
    assert.equal(reading.position, 7 + 5 + 4 + 1);
    assert.equal(reading.end, 7 + 9 + 11 + 9);
  });

  it('reads a group that never committed as lag = everything produced since the start offsets', async function () {
    const reader = new ConsumerLagReader(admin);
    const start = await reader.endOffsets(topic);
    await produce([1, 1, 1, 1], 'more');
    const reading = await reader.lag(topic, 'ib-lag-nobody', start);
    assert.equal(reading.lag, 4);
  });
});
