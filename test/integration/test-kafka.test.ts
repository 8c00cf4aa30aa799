// Integration tests of the test Kafka (librdkafka mock cluster helper) with kafkajs as a real client.
// Must not depend on timing beyond "at least the configured delay"; every test uses its own topic and group.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { KafkaError } from '../../src/core/errors.js';
import { buildMockKafka, explainCompileFailure, INSTALL_HINT, mockKafkaPaths, needsBuild } from '../support/test-kafka/build.js';
import { startTestKafka, type TestKafka } from '../support/test-kafka/index.js';

function client(kafka: TestKafka, extra: { retries?: number; requestTimeout?: number } = {}): Kafka {
  return new Kafka({
    clientId: 'test-kafka-test',
    brokers: kafka.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: extra.requestTimeout ?? 5000,
    retry: { retries: extra.retries ?? 5, initialRetryTime: 50 },
  });
}

/** True while `pid` runs; a zombie (exited, not yet reaped by an orphan-reaping init) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false; // /proc entry gone between the two checks
  }
}

/** Waits (bounded by mocha's timeout) until the process is gone; no duration is asserted. */
async function waitUntilGone(pid: number): Promise<void> {
  while (isAlive(pid)) await sleep(20);
}

const indexUrl = new URL('../support/test-kafka/index.js', import.meta.url).href;
const cliPath = new URL('../support/test-kafka/cli.js', import.meta.url).pathname;

/** Ends a child this test spawned if an assertion left it running, so mocha can exit. */
function reap(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Runs a Node program that starts a test Kafka, prints its pid, then does `then` (an expression). */
function parentScript(then: string): string {
  return `const m = await import(${JSON.stringify(indexUrl)}); const k = await m.startTestKafka(); console.log(k.pid); ${then}`;
}

describe('test Kafka (librdkafka mock cluster)', function () {
  describe('helper program', function () {
    it('builds the helper into test/support/.build and does not rebuild it while the source is older', async function () {
      const binary = await buildMockKafka();
      assert.equal(binary, mockKafkaPaths().binary);
      assert.equal(needsBuild(mockKafkaPaths()), false);
      const built = statSync(binary).mtimeMs;
      assert.equal(await buildMockKafka(), binary);
      assert.equal(statSync(binary).mtimeMs, built);
    });

    it('names librdkafka-dev when the compiler cannot find its header or library', function () {
      assert.equal(
        explainCompileFailure('cc', 'mock-kafka.c:33:10: fatal error: librdkafka/rdkafka.h: No such file or directory'),
        INSTALL_HINT,
      );
      assert.equal(explainCompileFailure('cc', '/usr/bin/ld: cannot find -lrdkafka: No such file or directory'), INSTALL_HINT);
      assert.match(explainCompileFailure('cc', '', 'ENOENT'), /C compiler 'cc' not found/);
      assert.match(explainCompileFailure('cc', "mock-kafka.c:9:1: error: expected ';'"), /^building mock-kafka failed: .*expected ';'/);
    });

    it('prints one BOOTSTRAP line, answers each command with one line and exits 0 when stdin closes', async function () {
      const child = spawn(await buildMockKafka(), ['--brokers', '2'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const exited = once(child, 'exit');
      try {
        const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
        const next = async (): Promise<string> => String((await lines.next()).value);
        assert.match(await next(), /^BOOTSTRAP 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
        child.stdin.write('create raw-topic 2\ncreate raw-topic 2\ndown 3\nrtt 2 -1\n\nup 2\n');
        assert.equal(await next(), 'OK');
        assert.equal(await next(), 'ERR topic exists: raw-topic');
        assert.equal(await next(), "ERR broker id must be 1..2, got '3'");
        assert.equal(await next(), "ERR rtt must be 0..600000 ms, got '-1'");
        assert.equal(await next(), 'OK'); // the empty line got no answer
        child.stdin.end();
        assert.deepEqual(await exited, [0, null]);
      } finally {
        reap(child);
      }
    });

    it('lists one address per broker, broker id i + 1 at index i', async function () {
      const kafka = await startTestKafka({ brokers: 3 });
      const admin = client(kafka).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        const byId = cluster.brokers.map((b) => ({ id: b.nodeId, addr: `${b.host}:${b.port}` })).sort((a, b) => a.id - b.id);
        assert.deepEqual(
          byId,
          kafka.brokers.map((addr, i) => ({ id: i + 1, addr })),
        );
        assert.equal(kafka.bootstrap, kafka.brokers.join(','));
      } finally {
        await admin.disconnect();
        await kafka.stop();
      }
    });

    it('pairs each of several concurrent commands with its own answer', async function () {
      const kafka = await startTestKafka({ brokers: 2 });
      try {
        const answers = await Promise.all([
          kafka.send('rtt 1 0'),
          kafka.send('bogus'),
          kafka.send('down 9'),
          kafka.send('up 2'),
          kafka.send('create paired 2'),
          kafka.send('create paired 2'),
        ]);
        assert.deepEqual(answers.map((a) => a.split(' ').slice(0, 2).join(' ')), [
          'OK',
          'ERR unknown',
          'ERR broker',
          'OK',
          'OK',
          'ERR topic',
        ]);
      } finally {
        await kafka.stop();
      }
    });

    it('rejects a failed command with the helper’s reason and keeps the existing topic unchanged', async function () {
      const kafka = await startTestKafka();
      const admin = client(kafka).admin();
      try {
        await kafka.createTopic('kept', 2);
        await assert.rejects(kafka.createTopic('kept', 5), (err: unknown) => {
          assert.ok(err instanceof KafkaError);
          assert.equal(err.code, 'IB_KAFKA');
          assert.equal(err.message, "mock-kafka 'create kept 5': topic exists: kept");
          return true;
        });
        await assert.rejects(kafka.brokerDown(2), /broker id must be 1\.\.1, got '2'/);
        await assert.rejects(kafka.createTopic('two words', 1), RangeError);
        await admin.connect();
        const meta = await admin.fetchTopicMetadata({ topics: ['kept'] });
        assert.equal(meta.topics[0]?.partitions.length, 2);
      } finally {
        await admin.disconnect();
        await kafka.stop();
      }
    });

    it('stop() ends its own helper process, is idempotent, and later commands reject', async function () {
      const kafka = await startTestKafka();
      assert.equal(isAlive(kafka.pid), true);
      await Promise.all([kafka.stop(), kafka.stop()]);
      assert.equal(isAlive(kafka.pid), false);
      await kafka.stop();
      await assert.rejects(kafka.brokerUp(1), (err: unknown) => err instanceof KafkaError && /mock-kafka exited/.test(err.message));
    });

    it('does not keep a test process alive that forgets stop(), and ends with it', async function () {
      const parent = spawn(process.execPath, ['--input-type=module', '-e', parentScript('')], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(parent, 'exit');
      let helper = 0;
      try {
        const [line] = (await once(createInterface({ input: parent.stdout }), 'line')) as [string];
        helper = Number(line);
        assert.deepEqual(await exited, [0, null]);
        await waitUntilGone(helper);
      } finally {
        reap(parent);
        if (helper > 0 && isAlive(helper)) process.kill(helper, 'SIGKILL');
      }
    });

    it('ends when its parent is killed', async function () {
      const parent = spawn(process.execPath, ['--input-type=module', '-e', parentScript('setInterval(() => {}, 1000);')], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = once(parent, 'exit');
      let helper = 0;
      try {
        const [line] = (await once(createInterface({ input: parent.stdout }), 'line')) as [string];
        helper = Number(line);
        assert.equal(isAlive(helper), true);
        parent.kill('SIGKILL');
        await exited;
        await waitUntilGone(helper);
      } finally {
        reap(parent);
        if (helper > 0 && isAlive(helper)) process.kill(helper, 'SIGKILL');
      }
    });

    it('serves the same commands from the command line and exits 0 on quit', async function () {
      const cli = spawn(process.execPath, [cliPath, '--brokers', '2'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const exited = once(cli, 'exit');
      try {
        const lines = createInterface({ input: cli.stdout })[Symbol.asyncIterator]();
        const next = async (): Promise<string> => String((await lines.next()).value);
        assert.match(await next(), /^BOOTSTRAP 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
        cli.stdin.write('create cli-topic 3\nfly away\nquit\n');
        assert.equal(await next(), 'OK');
        assert.match(await next(), /^ERR unknown command 'fly'/);
        assert.equal(await next(), 'OK');
        assert.deepEqual(await exited, [0, null]);
      } finally {
        reap(cli);
      }
    });

    it('refuses a broker count outside 1..32 before starting anything', async function () {
      await assert.rejects(startTestKafka({ brokers: 0 }), RangeError);
      await assert.rejects(startTestKafka({ brokers: 1.5 }), RangeError);
    });
  });

  describe('with kafkajs', function () {
    let kafka: TestKafka;
    let admin: Admin;

    beforeEach(async function () {
      kafka = await startTestKafka();
      admin = client(kafka).admin();
      await admin.connect();
    });

    afterEach(async function () {
      await admin.disconnect();
      await kafka.stop();
    });

    it('delivers every produced JSON message to a consumer group exactly once, and offsets add up', async function () {
      const topic = 'roundtrip';
      const partitions = 3;
      const n = 240;
      await kafka.createTopic(topic, partitions);
      const c = client(kafka);
      const producer = c.producer();
      await producer.connect();
      const sent = Array.from({ length: n }, (_, i) => ({ seq: i, service: `svc-${i % 7}`, msg: `event ${i}` }));
      try {
        await producer.send({ topic, messages: sent.map((e) => ({ key: String(e.seq), value: JSON.stringify(e) })) });
      } finally {
        await producer.disconnect();
      }

      const ends = await admin.fetchTopicOffsets(topic);
      assert.equal(ends.length, partitions);
      assert.equal(
        ends.reduce((sum, p) => sum + Number(p.high), 0),
        n,
      );
      assert.ok(ends.every((p) => p.low === '0'));

      const groupId = 'roundtrip-group';
      const consumer = c.consumer({ groupId, maxWaitTimeInMs: 100 });
      const received: { seq: number; service: string; msg: string }[] = [];
      const last = new Map<number, string>();
      try {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              autoCommit: false,
              eachMessage: async ({ partition, message }) => {
                received.push(JSON.parse(String(message.value)) as { seq: number; service: string; msg: string });
                last.set(partition, message.offset);
                if (received.length === n) resolve();
              },
            })
            .catch(reject);
        });
        await consumer.commitOffsets(
          [...last].map(([partition, offset]) => ({ topic, partition, offset: String(Number(offset) + 1) })),
        );
      } finally {
        await consumer.disconnect();
      }

      assert.equal(received.length, n);
      assert.deepEqual(
        received.sort((a, b) => a.seq - b.seq),
        sent,
      );
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      assert.deepEqual(
        committed[0]?.partitions.map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition),
        ends.map((p) => ({ partition: p.partition, offset: p.high })).sort((a, b) => a.partition - b.partition),
      );
    });

    it('fails a produce while the broker is down and succeeds again once it is up', async function () {
      const topic = 'faults';
      await kafka.createTopic(topic, 1);
      const producer: Producer = client(kafka, { retries: 0, requestTimeout: 1000 }).producer();
      await producer.connect();
      try {
        await producer.send({ topic, messages: [{ value: 'before' }] });
        await kafka.brokerDown(1);
        await assert.rejects(producer.send({ topic, messages: [{ value: 'during' }], timeout: 500 }), (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.match(err.name, /^KafkaJS/);
          return true;
        });
        await kafka.brokerUp(1);
        await producer.send({ topic, messages: [{ value: 'after' }] });
      } finally {
        await producer.disconnect();
      }
      const ends = await admin.fetchTopicOffsets(topic);
      assert.deepEqual(
        ends.map((p) => p.high),
        ['2'],
      );
    });

    it('delays a produce by at least the broker round-trip time set', async function () {
      const topic = 'slow';
      const rttMs = 250;
      await kafka.createTopic(topic, 1);
      const producer = client(kafka).producer();
      await producer.connect();
      try {
        await producer.send({ topic, messages: [{ value: 'warm-up' }] });
        await kafka.setRtt(1, rttMs);
        const start = performance.now();
        await producer.send({ topic, messages: [{ value: 'delayed' }] });
        const elapsed = performance.now() - start;
        assert.ok(elapsed >= rttMs, `produce took ${elapsed.toFixed(1)} ms, expected at least ${rttMs} ms`);
        await kafka.setRtt(1, 0);
      } finally {
        await producer.disconnect();
      }
    });

    it('has the measured limits of SPEC §16: no CreateTopics, and metadata auto-creates 4 partitions', async function () {
      await assert.rejects(admin.createTopics({ topics: [{ topic: 'via-admin', numPartitions: 2 }] }), /Broker 0 not found/);
      const meta = await admin.fetchTopicMetadata({ topics: ['auto-created'] });
      assert.equal(meta.topics[0]?.partitions.length, 4);
    });
  });
});
