// Integration tests of the typed JSON producer and consumer against the test Kafka: exact values and keys from
// the start of the topic, malformed messages counted and skipped. Must use its own topic and a fresh group.

import assert from 'node:assert/strict';
import { KafkaError } from '../../../src/core/errors.js';
import type { KafkaClient } from '../../../src/kafka/client-factory.js';
import { JsonConsumer, type JsonMessage } from '../../../src/kafka/json-consumer.js';
import { JsonProducer } from '../../../src/kafka/json-producer.js';
import { harnessProducerConfig } from '../../../src/kafka/producer-options.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';
import { captureLog, testClient, until, type CapturedLog } from './support.js';

interface Record1 {
  v: 1;
  seq: number;
  type: string;
  payload: { text: string; n: number | null; list: boolean[] };
}

describe('JSON producer → consumer on the test Kafka', function () {
  const topic = 'ib.json.control';
  let kafka: TestKafka;
  let client: KafkaClient;
  let log: CapturedLog;
  let consumer: JsonConsumer;
  const received: JsonMessage[] = [];
  const sent: { key: string | null; value: Record1 }[] = Array.from({ length: 40 }, (_, i) => ({
    key: i % 5 === 0 ? null : `worker-${i % 3}`,
    value: { v: 1, seq: i, type: i % 2 ? 'heartbeat' : 'hello', payload: { text: `é ☃ "${i}"\n`, n: i % 4 ? i * 0.25 : null, list: [i % 2 === 0] } },
  }));
  const malformed = [Buffer.from('{"v":1,"seq":'), Buffer.from([0x7b, 0xff, 0x7d])];

  before(async function () {
    kafka = await startTestKafka();
    await kafka.createTopic(topic, 3);
    log = captureLog();
    client = testClient(kafka.bootstrap, 'coordinator', log.logger);
    const producer = new JsonProducer<Record1>(client, { acks: -1, compression: 'gzip' });
    await producer.connect();
    const raw = client.producer(harnessProducerConfig());
    await raw.connect();
    try {
      // half before the reader exists (read from the start), malformed ones in between, half after it joined
      await producer.sendBatch(topic, sent.slice(0, 20));
      await raw.send({ topic, messages: malformed.map((value) => ({ key: 'bad', value })) });
      consumer = new JsonConsumer(client, [topic], (m) => {
        received.push(m);
        if ((m.value as Record1).seq === 7) throw new Error('handler bug on seq 7');
      }, { maxWaitTimeInMs: 100 });
      await consumer.start();
      await consumer.joined();
      for (const e of sent.slice(20)) await producer.send(topic, e.key, e.value);
    } finally {
      await raw.disconnect();
      await producer.disconnect();
    }
    await until(() => consumer.stats.received + consumer.stats.malformed === sent.length + malformed.length);
  });

  after(async function () {
    await consumer?.stop();
    await kafka?.stop();
  });

  it('delivers every value exactly as sent, with its key, from the start of the topic', function () {
    const bySeq = [...received].sort((a, b) => (a.value as Record1).seq - (b.value as Record1).seq);
    assert.deepEqual(bySeq.map((m) => ({ key: m.key, value: m.value })), sent);
    assert.ok(received.every((m) => m.topic === topic && Number.isInteger(m.offset) && m.timestamp > 1.7e12));
  });

  it('keeps each key on one partition, in the order sent', function () {
    for (const key of ['worker-0', 'worker-1', 'worker-2']) {
      const mine = received.filter((m) => m.key === key);
      assert.equal(new Set(mine.map((m) => m.partition)).size, 1, `key ${key} spread over partitions`);
      const seqs = mine.map((m) => (m.value as Record1).seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    }
  });

  it('counts and logs a failing handler call and keeps reading', function () {
    assert.equal(consumer.stats.handlerErrors, 1);
    assert.ok(log.lines.some((l) => /error .*message handler failed .*error=handler bug on seq 7/.test(l)));
  });

  it('counts and logs malformed messages and keeps reading past them', function () {
    assert.deepEqual(consumer.stats, { received: sent.length, malformed: 2, handlerErrors: 1 });
    const warned = log.lines.filter((l) => /skipped a malformed message/.test(l));
    assert.equal(warned.length, 2);
    assert.ok(warned.some((l) => /reason=value is not JSON/.test(l)) && warned.some((l) => /reason=value is not UTF-8/.test(l)));
  });

  it('rejects joined() when the reader is stopped before it joined', async function () {
    const idle = new JsonConsumer(client, [topic], () => undefined, { maxWaitTimeInMs: 100 });
    const joined = idle.joined();
    await idle.stop();
    await assert.rejects(joined, /was stopped before the consumer joined its group/);
  });

  it('refuses to send before connect, naming the topic', async function () {
    await assert.rejects(new JsonProducer<Record1>(client).send(topic, null, sent[0]!.value), (err: unknown) => {
      assert.ok(err instanceof KafkaError);
      assert.match(err.message, /JSON producer for 'ib\.json\.control' used before connect\(\)/);
      return true;
    });
  });
});
