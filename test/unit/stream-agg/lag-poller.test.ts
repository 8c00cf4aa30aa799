// Unit tests of the coordinator's lag measuring (SPEC §10.2): start offsets, where a stream's lag comes from, and the
// once-a-second poller with its drain wait — on ManualTimers, with a fake Kafka admin and scripted lag sources.

import assert from 'node:assert/strict';
import type { RunContext } from '../../../src/adapters/types.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ManualTimers, type Timers } from '../../../src/core/timers.js';
import { ConsumerLagReader, type LagReading, type OffsetAdmin, type PartitionOffset } from '../../../src/kafka/offsets.js';
import { LAG_READ_DELAY_MS, LagPoller, type DrainResult, type LagReadingFailure } from '../../../src/stream-agg/lag-poller.js';
import { lagSourceFor, type LagSource } from '../../../src/stream-agg/lag-source.js';
import type { LagRecord } from '../../../src/stream-agg/records.js';
import { readStartOffsets } from '../../../src/stream-agg/start-offsets.js';
import { deferred, settle, pass } from '../../support/deferred.js';

/** An admin answering from tables: end offsets per topic, commits per group and topic (-1 = none). */
class FakeAdmin implements OffsetAdmin {
  readonly ends = new Map<string, number[]>();
  readonly commits = new Map<string, Map<string, number[]>>();
  reverse = false;

  async fetchTopicOffsets(topic: string): Promise<Array<{ partition: number; offset: string; high: string; low: string }>> {
    const ends = this.ends.get(topic);
    if (!ends) throw new Error('This server does not host this topic-partition');
    const out = ends.map((o, partition) => ({ partition, offset: String(o), high: String(o), low: '0' }));
    return this.reverse ? out.reverse() : out;
  }

  async fetchOffsets(o: { groupId: string; topics?: string[] }): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string; metadata: string | null }> }>> {
    return (o.topics ?? []).map((topic) => ({
      topic,
      partitions: (this.ends.get(topic) ?? []).map((_, partition) => ({
        partition,
        offset: String(this.commits.get(o.groupId)?.get(topic)?.[partition] ?? -1),
        metadata: null,
      })),
    }));
  }

  commit(group: string, topic: string, offsets: number[]): void {
    if (!this.commits.has(group)) this.commits.set(group, new Map());
    this.commits.get(group)!.set(topic, offsets);
  }
}

function reading(lag: number, position = 100, end = position + lag): LagReading {
  return { lag, position, end, partitions: [] };
}

const ctx: RunContext = { run: 'r', runId: 'abcdef0123456789', streams: [], logger: silentLogger };

/** A source whose answers a test chooses per call: `answer(stream, callIndex)`. */
class ScriptedSource implements LagSource {
  readonly calls: { stream: string; at: number }[] = [];
  constructor(private readonly timers: Timers, private readonly answer: (stream: string, call: number) => Promise<LagReading>) {}
  read(stream: string): Promise<LagReading> {
    const call = this.calls.filter((c) => c.stream === stream).length;
    this.calls.push({ stream, at: this.timers.clock.nowMs() });
    return this.answer(stream, call);
  }
}

function poller(timers: Timers, source: LagSource, streams: string[]) {
  const records: LagRecord[] = [];
  const errors: LagReadingFailure[] = [];
  const p = new LagPoller({ source, streams, timers, onRecord: (r) => records.push(r), onError: (e) => errors.push(e) });
  return { p, records, errors };
}

describe('start offsets (SPEC §10.2: lag counts from the end offsets recorded at prepare)', () => {
  it('records the end offsets of every stream\'s events topic, sorted by partition', async () => {
    const admin = new FakeAdmin();
    admin.ends.set('ib.r.events.a', [5, 7, 9]);
    admin.ends.set('ib.r.events.b', [0, 3]);
    admin.reverse = true;
    const start = await readStartOffsets(new ConsumerLagReader(admin), { a: 'ib.r.events.a', b: 'ib.r.events.b' });
    assert.deepEqual(start, {
      a: [{ partition: 0, offset: 5 }, { partition: 1, offset: 7 }, { partition: 2, offset: 9 }],
      b: [{ partition: 0, offset: 0 }, { partition: 1, offset: 3 }],
    });
  });

  it('rejects naming the topic whose end offsets cannot be read', async () => {
    const admin = new FakeAdmin();
    admin.ends.set('ib.r.events.a', [1]);
    await assert.rejects(readStartOffsets(new ConsumerLagReader(admin), { a: 'ib.r.events.a', b: 'ib.r.events.missing' }),
      /reading the end offsets of 'ib\.r\.events\.missing' failed: This server does not host/);
  });
});

describe('lag source (SPEC §8.1 consumedOffsets, §10.2 consumer group)', () => {
  const topics = { a: 'ta', b: 'tb' };
  const startOffsets: Record<string, PartitionOffset[]> = {
    a: [{ partition: 0, offset: 4 }, { partition: 1, offset: 5 }],
    b: [{ partition: 0, offset: 2 }],
  };
  function admin(): FakeAdmin {
    const a = new FakeAdmin();
    a.ends.set('ta', [10, 20]);
    a.ends.set('tb', [12]);
    return a;
  }

  it('reads the consumer group prepare named; a group with no commit yet counts lag from the start offsets', async () => {
    const fake = admin();
    const source = lagSourceFor({ reader: new ConsumerLagReader(fake), adapter: {}, ctx, prepared: { consumerGroups: { a: 'ga', b: 'gb' } }, topics, startOffsets });
    const before = await source.read('a');
    assert.deepEqual([before.lag, before.position, before.end], [(10 - 4) + (20 - 5), 4 + 5, 30]);
    fake.commit('ga', 'ta', [7, -1]);
    const after = await source.read('a');
    assert.deepEqual([after.lag, after.position, after.end], [(10 - 7) + (20 - 5), 7 + 5, 30]);
  });

  it('takes positions from the target when consumedOffsets answers, one call for streams read together', async () => {
    let calls = 0;
    const adapter = {
      consumedOffsets: async () => {
        calls++;
        return { ta: { 0: 8, 1: 6 } }; // tb not mentioned: nothing consumed there yet
      },
    };
    const source = lagSourceFor({ reader: new ConsumerLagReader(admin()), adapter, ctx, prepared: { consumerGroups: { a: 'ga', b: 'gb' } }, topics, startOffsets });
    const [a, b] = await Promise.all([source.read('a'), source.read('b')]);
    assert.equal(calls, 1);
    assert.deepEqual([a.lag, a.position], [(10 - 8) + (20 - 6), 8 + 6]);
    assert.deepEqual([b.lag, b.position], [12 - 2, 2]);
    await source.read('a');
    assert.equal(calls, 2, 'a later reading asks again');
  });

  it('falls back to the consumer group when consumedOffsets answers null', async () => {
    const fake = admin();
    fake.commit('ga', 'ta', [10, 20]);
    const source = lagSourceFor({ reader: new ConsumerLagReader(fake), adapter: { consumedOffsets: async () => null }, ctx,
      prepared: { consumerGroups: { a: 'ga' } }, topics, startOffsets });
    assert.equal((await source.read('a')).lag, 0);
  });

  it('rejects, naming the stream, when the target reports no positions and prepare named no consumer group', async () => {
    const source = lagSourceFor({ reader: new ConsumerLagReader(admin()), adapter: { consumedOffsets: async () => null }, ctx,
      prepared: { consumerGroups: null }, topics, startOffsets });
    await assert.rejects(source.read('b'), /no lag source for stream 'b': the target reported no consumed offsets and prepare named no consumer group/);
  });

  it('rejects a stream that has no events topic, listing the run\'s streams', async () => {
    const source = lagSourceFor({ reader: new ConsumerLagReader(admin()), adapter: {}, ctx, prepared: { consumerGroups: { a: 'ga' } }, topics, startOffsets });
    await assert.rejects(source.read('c'), /no events topic for stream 'c': the run's streams are 'a', 'b'/);
  });
});

describe('lag poller (SPEC §10.2: lag per stream every second on the coordinator\'s clock)', () => {
  const T0 = 1_700_000_000_500; // mid-second

  it('reads every stream once per whole second, shortly after the boundary, recording the second the reading started in', async () => {
    const timers = new ManualTimers(T0);
    const source = new ScriptedSource(timers, async (stream, call) => reading(stream === 'a' ? 10 - call : 3, 1000 + call, 2000));
    const { p, records } = poller(timers, source, ['a', 'b']);
    p.start();
    timers.advance(500 + LAG_READ_DELAY_MS - 1);
    assert.equal(source.calls.length, 0, 'nothing before the next whole second');
    await pass(timers, 1);
    const at = 1_700_000_001_000 + LAG_READ_DELAY_MS;
    assert.deepEqual(source.calls, [{ stream: 'a', at }, { stream: 'b', at }]);
    assert.deepEqual(records, [
      { kind: 'lag', second: 1_700_000_001, at, stream: 'a', lag: 10, endOffsets: 2000, committed: 1000 },
      { kind: 'lag', second: 1_700_000_001, at, stream: 'b', lag: 3, endOffsets: 2000, committed: 1000 },
    ]);
    await pass(timers, 2000);
    assert.deepEqual(records.filter((r) => r.stream === 'a').map((r) => [r.second, r.lag]), [[1_700_000_001, 10], [1_700_000_002, 9], [1_700_000_003, 8]]);
    await p.stop();
  });

  it('leaves `stream` out of the records of a single-stream run', async () => {
    const timers = new ManualTimers(T0);
    const { p, records } = poller(timers, new ScriptedSource(timers, async () => reading(4)), ['events']);
    p.start();
    await pass(timers, 1000);
    assert.equal(records.length, 1);
    assert.ok(!('stream' in records[0]!), JSON.stringify(records[0]));
    await p.stop();
  });

  it('skips and counts the seconds whose previous reading of the stream is still in flight; other streams go on', async () => {
    const timers = new ManualTimers(T0);
    const slow = deferred<LagReading>();
    const source = new ScriptedSource(timers, (stream, call) => (stream === 'a' && call === 0 ? slow.promise : Promise.resolve(reading(1))));
    const { p, records } = poller(timers, source, ['a', 'b']);
    p.start();
    await pass(timers, 3000); // seconds …001, …002, …003
    assert.equal(source.calls.filter((c) => c.stream === 'a').length, 1);
    assert.equal(source.calls.filter((c) => c.stream === 'b').length, 3);
    assert.deepEqual(p.stats().skipped, { a: 2, b: 0 });
    slow.resolve(reading(50));
    await settle();
    const a = records.filter((r) => r.stream === 'a');
    assert.deepEqual(a.map((r) => [r.second, r.lag]), [[1_700_000_001, 50]], 'the late reading keeps the second it started in');
    await pass(timers, 1000);
    assert.equal(source.calls.filter((c) => c.stream === 'a').length, 2, 'reads again once the slow one is back');
    await p.stop();
  });

  it('counts failed readings per message, reports each to onError with its occurrence, and keeps reading', async () => {
    const timers = new ManualTimers(T0);
    const answers: Array<() => Promise<LagReading>> = [
      () => Promise.reject(new Error('broker down')),
      () => Promise.reject(new Error('broker down')),
      () => { throw new Error('thrown at once'); },
      () => Promise.resolve(reading(7)),
    ];
    const { p, records, errors } = poller(timers, new ScriptedSource(timers, (_s, call) => answers[call]!()), ['events']);
    p.start();
    await pass(timers, 4000);
    assert.deepEqual(errors.map((e) => [e.stream, e.message, e.occurrences]), [
      ['events', 'broker down', 1], ['events', 'broker down', 2], ['events', 'thrown at once', 1],
    ]);
    assert.deepEqual(records.map((r) => r.lag), [7]);
    const stats = p.stats();
    assert.equal(stats.failed, 3);
    assert.equal(stats.readings, 1);
    assert.deepEqual(stats.failures, { events: [{ message: 'broker down', count: 2 }, { message: 'thrown at once', count: 1 }] });
    await p.stop();
  });

  it('counts the seconds a late timer left without a reading', async () => {
    const manual = new ManualTimers(1_000_000);
    const lateBy = 2500;
    const late: Timers = { clock: manual.clock, after: (ms, fn) => manual.after(ms + lateBy, fn), every: (ms, fn) => manual.every(ms, fn) };
    const { p, records } = poller(late, new ScriptedSource(late, async () => reading(0)), ['events']);
    p.start();
    manual.advance(1000 + LAG_READ_DELAY_MS + lateBy);
    await settle();
    assert.deepEqual(records.map((r) => r.second), [1003]);
    assert.equal(p.stats().missedSeconds, 2);
    await p.stop();
  });

  it('drain: resolves once the last 3 readings of every stream taken after the call were 0', async () => {
    const timers = new ManualTimers(1_000_000);
    // lag by second (1001, 1002, …); the zeros before waitDrained do not count
    const lags: Record<string, number[]> = { a: [0, 0, 0, 0, 0, 0, 0], b: [0, 0, 0, 2, 0, 0, 0] };
    const { p } = poller(timers, new ScriptedSource(timers, async (stream, call) => reading(lags[stream]![call]!)), ['a', 'b']);
    p.start();
    await pass(timers, 3500); // readings of 1001–1003
    let result: DrainResult | null = null;
    void p.waitDrained({ timeoutMs: 60_000, consecutiveZero: 3 }).then((r) => { result = r; });
    await pass(timers, 3000); // 1004 (b = 2), 1005, 1006: b has only 2 zeros since
    assert.equal(result, null);
    await pass(timers, 1000); // 1007
    assert.deepEqual(result, { drained: true, readings: 8 });
    await p.stop();
  });

  it('drain: a failed reading neither counts as 0 nor breaks the run of zeros', async () => {
    const timers = new ManualTimers(1_000_500);
    const answers = [reading(0), null, reading(0), reading(0)];
    const { p } = poller(timers, new ScriptedSource(timers, async (_s, call) => {
      const r = answers[call];
      if (!r) throw new Error('timeout');
      return r;
    }), ['events']);
    p.start();
    const drained = p.waitDrained({ timeoutMs: 60_000 });
    await pass(timers, 3000); // readings at 1001.01 (0), 1002.01 (fails), 1003.01 (0)
    let result: DrainResult | null = null;
    void drained.then((r) => { result = r; });
    await settle();
    assert.equal(result, null, 'two zeros and a failure are not three zeros');
    await pass(timers, 1000);
    assert.deepEqual(result, { drained: true, readings: 3 });
    await p.stop();
  });

  it('drain: gives up at the timeout with drained false and the readings taken', async () => {
    const timers = new ManualTimers(1_000_500);
    const { p } = poller(timers, new ScriptedSource(timers, async () => reading(7)), ['events']);
    p.start();
    let result: DrainResult | null = null;
    void p.waitDrained({ timeoutMs: 5000 }).then((r) => { result = r; });
    await pass(timers, 4999);
    assert.equal(result, null);
    await pass(timers, 1);
    assert.deepEqual(result, { drained: false, readings: 5 });
    await p.stop();
  });

  it('stop waits for the readings in flight, emits their records, ends a drain wait and reads no more', async () => {
    const timers = new ManualTimers(T0);
    const slow = deferred<LagReading>();
    const source = new ScriptedSource(timers, () => slow.promise);
    const { p, records } = poller(timers, source, ['events']);
    p.start();
    timers.advance(1000);
    const drain = p.waitDrained({ timeoutMs: 60_000 });
    let stopped = false;
    const stopping = p.stop().then(() => { stopped = true; });
    await settle();
    assert.equal(stopped, false, 'still waiting for the reading in flight');
    slow.resolve(reading(12));
    await stopping;
    assert.deepEqual(records.map((r) => r.lag), [12]);
    assert.deepEqual(await drain, { drained: false, readings: 0 });
    await pass(timers, 5000);
    assert.equal(source.calls.length, 1);
  });
});
