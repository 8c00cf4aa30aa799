// Integration tests of connecting within the connect timeout (SPEC §17): a refused address and a silent one.
// Must not depend on durations: outcomes and messages are asserted, mocha's timeout bounds the waiting.

import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { KafkaError } from '../../../src/core/errors.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';
import { captureLog, testClient, until } from './support.js';

describe('Kafka client: connecting (SPEC §17)', function () {
  it('fails with a KafkaError naming the address when nothing listens there', async function () {
    const client = testClient('127.0.0.1:1', 'cli', captureLog().logger, 10_000);
    const admin = client.admin();
    await assert.rejects(client.connectOrFail(admin, 'admin'), (err: unknown) => {
      assert.ok(err instanceof KafkaError);
      assert.equal(err.code, 'IB_KAFKA');
      assert.equal(err.message, 'Kafka unreachable at 127.0.0.1:1 within 10 s: Connection error: connect ECONNREFUSED 127.0.0.1:1');
      return true;
    });
  });

  describe('against a server that accepts connections and never answers', function () {
    let server: Server;
    const open = new Set<Socket>();
    let accepted = 0;
    before(async function () {
      server = createServer((s) => {
        accepted += 1;
        s.resume(); // read and drop the request, so the peer's close is seen
        open.add(s);
        s.on('close', () => open.delete(s));
        s.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    after(async function () {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('gives up at the connect timeout, and closes every connection it opened', async function () {
      const address = server.address();
      assert.ok(address !== null && typeof address === 'object');
      const bootstrap = `127.0.0.1:${address.port}`;
      const client = testClient(bootstrap, 'cli', captureLog().logger, 1000);
      const producer = client.producer();
      await assert.rejects(client.connectOrFail(producer, 'producer'), {
        name: 'KafkaError',
        message: `Kafka unreachable at ${bootstrap} within 1 s: no answer from any broker`,
      });
      assert.ok(accepted >= 1, 'the client should have reached the server');
      await until(() => open.size === 0);
    });
  });

  describe('against the test Kafka', function () {
    let kafka: TestKafka;
    before(async function () {
      kafka = await startTestKafka();
    });
    after(async function () {
      await kafka.stop();
    });

    it('connects an admin and reports no kafkajs warning while doing so', async function () {
      const log = captureLog();
      const admin = await testClient(kafka.bootstrap, 'coordinator', log.logger).connectedAdmin();
      try {
        const cluster = await admin.describeCluster();
        assert.equal(cluster.brokers.length, 1);
      } finally {
        await admin.disconnect();
      }
      assert.deepEqual(log.lines, []);
    });
  });
});
