// Unit tests of topic management decisions with a recorded admin stand-in — the paths the test Kafka cannot take
// (it refuses CreateTopics/DeleteTopics). The real broker paths are in test/integration/kafka/topics.test.ts.

import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { KafkaError } from '../../../src/core/errors.js';
import { Logger } from '../../../src/core/logger.js';
import { deleteTopics, ensureTopics, type TopicAdmin } from '../../../src/kafka/topics.js';

const { KafkaJSProtocolError } = kafkajs;

function protocolError(type: string, message: string): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(message), { type }));
}

/** A broker holding `topics` (name → partitions) that creates and deletes when allowed. */
class FakeBroker {
  readonly calls: string[] = [];
  constructor(
    readonly topics: Map<string, number>,
    private readonly allow: { create: boolean; delete: boolean; autoCreate?: number } = { create: true, delete: true },
  ) {}

  admin(): TopicAdmin {
    const admin = {
      listTopics: async () => {
        this.calls.push('list');
        return [...this.topics.keys()];
      },
      createTopics: async ({ topics }: { topics: { topic: string; numPartitions?: number }[] }) => {
        this.calls.push(`create ${topics.map((t) => `${t.topic}/${String(t.numPartitions)}`).join(',')}`);
        if (!this.allow.create) throw protocolError('TOPIC_AUTHORIZATION_FAILED', 'Not authorized to access topics');
        for (const t of topics) this.topics.set(t.topic, t.numPartitions ?? 1);
        return true;
      },
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        this.calls.push(`metadata ${topics.join(',')}`);
        if (this.allow.autoCreate !== undefined) for (const t of topics) if (!this.topics.has(t)) this.topics.set(t, this.allow.autoCreate);
        const gone = topics.find((t) => !this.topics.has(t));
        if (gone !== undefined) throw protocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');
        return { topics: topics.map((name) => ({ name, partitions: Array.from({ length: this.topics.get(name)! }, () => ({})) })) };
      },
      deleteTopics: async ({ topics }: { topics: string[] }) => {
        this.calls.push(`delete ${topics.join(',')}`);
        if (!this.allow.delete) throw new Error('Broker 0 not found in the cached metadata');
        for (const t of topics) this.topics.delete(t);
      },
    };
    return admin as unknown as TopicAdmin;
  }
}

function logs(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new Logger({ level: 'debug', sink: { write: (l: string) => lines.push(l) } }), lines };
}

describe('topic management (SPEC §1.3)', () => {
  it('creates only the topics that do not exist yet and reports those as created', async () => {
    const broker = new FakeBroker(new Map([['ib.r.control', 1]]));
    const r = await ensureTopics(broker.admin(), [{ name: 'ib.r.control', partitions: 1 }, { name: 'ib.r.events', partitions: 6 }], {
      manage: true, logger: logs().logger });
    assert.deepEqual(r.created, ['ib.r.events']);
    assert.deepEqual(r.partitions, { 'ib.r.control': 1, 'ib.r.events': 6 });
    assert.deepEqual(broker.calls, ['list', 'create ib.r.events/6', 'metadata ib.r.control,ib.r.events']);
    assert.equal(r.creationError, undefined);
  });

  it('with management off, only checks through metadata and names each missing topic and the flag', async () => {
    const broker = new FakeBroker(new Map([['a', 4]]));
    await assert.rejects(
      ensureTopics(broker.admin(), [{ name: 'a', partitions: 4 }, { name: 'b', partitions: 4 }, { name: 'c', partitions: 1 }], {
        manage: false, logger: logs().logger }),
      (err: unknown) => {
        assert.ok(err instanceof KafkaError);
        assert.equal(err.message, "Kafka topics missing: 'b' (does not exist), 'c' (does not exist); "
          + 'create them, or let the harness create them (drop --no-manage-topics)');
        return true;
      },
    );
    assert.ok(!broker.calls.some((c) => c.startsWith('create')));
  });

  it('when creation is refused, verifies through metadata and says why creation failed if topics are missing', async () => {
    const broker = new FakeBroker(new Map([['a', 2]]), { create: false, delete: true });
    const { logger, lines } = logs();
    await assert.rejects(
      ensureTopics(broker.admin(), [{ name: 'a', partitions: 2 }, { name: 'b', partitions: 2 }], { manage: true, logger }),
      { message: "Kafka topics missing: 'b' (does not exist); the harness could not create them (Not authorized to access topics): "
        + 'create them or grant topic creation' },
    );
    assert.ok(lines.some((l) => /could not create Kafka topics; checking that they exist/.test(l)));
  });

  it('passes when creation is refused but a metadata request auto-creates the topic, keeping the reason', async () => {
    const broker = new FakeBroker(new Map([['a', 2]]), { create: false, delete: true, autoCreate: 4 });
    const r = await ensureTopics(broker.admin(), [{ name: 'a', partitions: 2 }, { name: 'b', partitions: 6 }], {
      manage: true, logger: logs().logger });
    assert.deepEqual(r.created, []);
    assert.equal(r.creationError, 'Not authorized to access topics');
    assert.deepEqual(r.partitions, { a: 2, b: 4 });
    assert.deepEqual(r.mismatches, [{ topic: 'b', requested: 6, actual: 4 }]);
  });

  it('warns, never fails, when an existing topic has another partition count', async () => {
    const broker = new FakeBroker(new Map([['ib.r.events', 2]]));
    const { logger, lines } = logs();
    const r = await ensureTopics(broker.admin(), [{ name: 'ib.r.events', partitions: 8 }], { manage: true, logger });
    assert.deepEqual(r.mismatches, [{ topic: 'ib.r.events', requested: 8, actual: 2 }]);
    assert.match(r.warnings[0]!, /^topic 'ib\.r\.events' has 2 partition\(s\), 8 requested/);
    assert.ok(lines.some((l) => / warn .*topic 'ib\.r\.events' has 2 partition/.test(l)));
  });

  it('refuses illegal names, partition counts below 1 and duplicates before talking to Kafka', async () => {
    const broker = new FakeBroker(new Map());
    await assert.rejects(
      ensureTopics(broker.admin(), [{ name: 'bad name', partitions: 1 }, { name: 'x', partitions: 0 }, { name: 'x', partitions: 1 }], {
        manage: true, logger: logs().logger }),
      (err: unknown) => {
        assert.ok(err instanceof KafkaError);
        assert.deepEqual(err.message.split('\n'), [
          "Kafka topic name 'bad name' is invalid: expected 1..249 of letters, digits, '.', '_', '-'",
          "Kafka topic 'x': partitions 0 is invalid: expected a whole number ≥ 1",
          "Kafka topic 'x' is requested twice: expected each topic once",
        ]);
        return true;
      },
    );
    assert.deepEqual(broker.calls, []);
  });

  it('deletes the topics that exist and counts the absent ones as done', async () => {
    const broker = new FakeBroker(new Map([['a', 1], ['b', 1]]));
    const r = await deleteTopics(broker.admin(), ['a', 'gone'], { logger: logs().logger });
    assert.deepEqual(r, { deleted: ['a'], absent: ['gone'], refused: [] });
    assert.deepEqual([...broker.topics.keys()], ['b']);
  });

  it('turns a refused deletion into a warning and a result, not an exception', async () => {
    const broker = new FakeBroker(new Map([['a', 1]]), { create: true, delete: false });
    const { logger, lines } = logs();
    const r = await deleteTopics(broker.admin(), ['a'], { logger });
    assert.deepEqual(r, { deleted: [], absent: [], refused: ['a'], reason: 'Broker 0 not found in the cached metadata' });
    assert.ok(lines.some((l) => / warn .*Kafka refused to delete topics; left in place/.test(l)));
  });
});
