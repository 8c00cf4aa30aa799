// Integration tests of topic management against the test Kafka, which refuses CreateTopics/DeleteTopics and
// auto-creates a topic (4 partitions) on a metadata request naming it (SPEC §16). Every test uses its own topics.

import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { deleteTopics, ensureTopics } from '../../../src/kafka/topics.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';
import { captureLog, testClient } from './support.js';

describe('topic management on the test Kafka (SPEC §1.3)', function () {
  let kafka: TestKafka;
  let admin: Admin;
  before(async function () {
    kafka = await startTestKafka();
    admin = await testClient(kafka.bootstrap, 'coordinator', captureLog().logger).connectedAdmin();
  });
  after(async function () {
    await admin?.disconnect();
    await kafka?.stop();
  });

  it('with management on, falls back to metadata when creation is refused: a helper-created 6-partition topic passes as is', async function () {
    await kafka.createTopic('ib.t1.events', 6);
    const log = captureLog();
    const r = await ensureTopics(admin, [{ name: 'ib.t1.events', partitions: 6 }, { name: 'ib.t1.control', partitions: 1 }], {
      manage: true, logger: log.logger });
    assert.match(r.creationError ?? '', /Broker 0 not found/);
    assert.deepEqual(r.created, []);
    assert.equal(r.partitions['ib.t1.events'], 6);
    assert.ok(log.lines.some((l) => /could not create Kafka topics; checking that they exist/.test(l)));
  });

  it('passes a missing topic because the mock auto-creates it on the metadata request, warning about its 4 partitions', async function () {
    const log = captureLog();
    const r = await ensureTopics(admin, [{ name: 'ib.t2.metrics', partitions: 2 }], { manage: false, logger: log.logger });
    assert.deepEqual(r.partitions, { 'ib.t2.metrics': 4 });
    assert.deepEqual(r.mismatches, [{ topic: 'ib.t2.metrics', requested: 2, actual: 4 }]);
    assert.ok(log.lines.some((l) => /topic 'ib\.t2\.metrics' has 4 partition\(s\), 2 requested/.test(l)));
    const meta = await admin.fetchTopicMetadata({ topics: ['ib.t2.metrics'] });
    assert.equal(meta.topics[0]?.partitions.length, 4);
  });

  it('with management off, passes an existing topic without attempting creation', async function () {
    await kafka.createTopic('ib.t3.live', 1);
    const log = captureLog();
    const r = await ensureTopics(admin, [{ name: 'ib.t3.live', partitions: 1 }], { manage: false, logger: log.logger });
    assert.deepEqual(r, { created: [], partitions: { 'ib.t3.live': 1 }, mismatches: [], warnings: [] });
    assert.deepEqual(log.lines, []);
  });

  it('treats the refused deletion as a warning: the topic stays and nothing throws', async function () {
    await kafka.createTopic('ib.t4.events', 2);
    const log = captureLog();
    const r = await deleteTopics(admin, ['ib.t4.events', 'ib.t4.never-created'], { logger: log.logger });
    assert.deepEqual(r.deleted, []);
    assert.deepEqual(r.refused, ['ib.t4.events']);
    assert.deepEqual(r.absent, ['ib.t4.never-created']);
    assert.match(r.reason ?? '', /Broker 0 not found/);
    assert.ok(log.lines.some((l) => /warn .*Kafka refused to delete topics; left in place/.test(l)));
    assert.ok((await admin.listTopics()).includes('ib.t4.events'));
  });
});
