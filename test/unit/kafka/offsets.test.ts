// Unit tests of the consumer-lag arithmetic of SPEC §10.2 and of the lag reader's use of the admin API.
// Must not open connections (the admin is a recorded stand-in; the real one is tested in test/integration/kafka).

import assert from 'node:assert/strict';
import { KafkaError } from '../../../src/core/errors.js';
import { computeLag, ConsumerLagReader, type OffsetAdmin, type PartitionOffset } from '../../../src/kafka/offsets.js';

const po = (...pairs: [number, number][]): PartitionOffset[] => pairs.map(([partition, offset]) => ({ partition, offset }));

describe('consumer lag arithmetic (SPEC §10.2)', () => {
  it('sums end − committed over partitions when every partition committed past its start', () => {
    const r = computeLag(po([0, 100], [1, 50]), po([0, 90], [1, 20]), po([0, 10], [1, 10]));
    assert.equal(r.lag, 10 + 30);
    assert.equal(r.position, 90 + 20);
    assert.equal(r.end, 150);
  });

  it('counts a partition without a commit (-1) from its start offset, not from 0', () => {
    const r = computeLag(po([0, 100], [1, 80]), po([0, -1], [1, 60]), po([0, 40], [1, 30]));
    assert.deepEqual(r.partitions, [
      { partition: 0, end: 100, position: 40, lag: 60 },
      { partition: 1, end: 80, position: 60, lag: 20 },
    ]);
    assert.equal(r.lag, 80);
    assert.equal(r.position, 100);
  });

  it('counts from the start offset when the commit is older than the run (a reused topic)', () => {
    const r = computeLag(po([0, 500]), po([0, 120]), po([0, 400]));
    assert.equal(r.lag, 100);
    assert.equal(r.position, 400);
  });

  it('treats a partition missing from the commits like -1, and one missing from the start offsets as starting at 0', () => {
    const r = computeLag(po([0, 10], [1, 7], [2, 5]), po([0, 10]), po([0, 3], [1, 2]));
    assert.deepEqual(r.partitions.map((p) => p.lag), [0, 5, 5]);
    assert.equal(r.position, 10 + 2 + 0);
  });

  it('ignores commits on partitions the topic does not have, and never reports negative lag', () => {
    const r = computeLag(po([0, 10]), po([0, 12], [7, 99]), po([0, 0]));
    assert.deepEqual(r.partitions, [{ partition: 0, end: 10, position: 12, lag: 0 }]);
    assert.equal(r.lag, 0);
  });

  it('gives consumed EPS as Δposition / Δt between two readings', () => {
    const start = po([0, 100], [1, 100]);
    const a = computeLag(po([0, 300], [1, 300]), po([0, -1], [1, 150]), start);
    const b = computeLag(po([0, 400], [1, 400]), po([0, 200], [1, 250]), start);
    assert.equal((b.position - a.position) / 2, (200 - 100 + 250 - 150) / 2);
  });

  it('reports zero lag for an empty topic (no partitions)', () => {
    assert.deepEqual(computeLag([], po([0, 5]), po([0, 1])), { lag: 0, position: 0, end: 0, partitions: [] });
  });
});

describe('ConsumerLagReader', () => {
  function admin(calls: string[], high: string[], committed: string[]): OffsetAdmin {
    return {
      fetchTopicOffsets: async (topic: string) => {
        calls.push(`end ${topic}`);
        return high.map((h, partition) => ({ partition, offset: h, high: h, low: '0' }));
      },
      fetchOffsets: async ({ groupId, topics }: { groupId: string; topics?: string[] }) => {
        calls.push(`committed ${groupId} ${String(topics)}`);
        return [{ topic: topics?.[0] ?? '', partitions: committed.map((offset, partition) => ({ partition, offset, metadata: null })) }];
      },
    } as unknown as OffsetAdmin;
  }

  it('reads commits before end offsets and applies the arithmetic', async () => {
    const calls: string[] = [];
    const r = await new ConsumerLagReader(admin(calls, ['30', '20'], ['-1', '15'])).lag('ib.r.events', 'ib-r-events', po([0, 10], [1, 10]));
    assert.deepEqual(calls, ['committed ib-r-events ib.r.events', 'end ib.r.events']);
    assert.equal(r.lag, 20 + 5);
    assert.equal(r.position, 25);
  });

  it('wraps a failing admin call in a KafkaError naming the topic and group', async () => {
    const failing = { fetchOffsets: async () => { throw new Error('coordinator not available'); } } as unknown as OffsetAdmin;
    await assert.rejects(new ConsumerLagReader(failing).committedOffsets('g1', 't1'), (err: unknown) => {
      assert.ok(err instanceof KafkaError);
      assert.equal(err.message, "reading the offsets consumer group 'g1' committed on 't1' failed: coordinator not available");
      return true;
    });
  });

  it('refuses an offset that is not an integer', async () => {
    await assert.rejects(new ConsumerLagReader(admin([], ['x'], [])).endOffsets('t'), /Kafka returned offset 'x' for 't' partition 0/);
  });
});
