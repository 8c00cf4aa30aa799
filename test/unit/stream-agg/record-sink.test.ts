// Unit tests of the coordinator's outputs: the raw-record sink (snapshots.jsonl + coordinator records on the metrics
// topic, SPEC §13.1, §10.2) and the live publisher (SPEC §10.3), with fake producers and temporary directories.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/core/clock.js';
import { Logger } from '../../../src/core/logger.js';
import type { JsonEntry } from '../../../src/kafka/json-producer.js';
import { LivePublisher, type LiveBody } from '../../../src/stream-agg/live-publisher.js';
import type { LiveMessage } from '../../../src/stream-agg/live-types.js';
import { COORDINATOR_KEY, metricsTopicPublisher, RecordSink, SNAPSHOTS_FILE, type RecordSinkFailure } from '../../../src/stream-agg/record-sink.js';
import { parseRecordLine, type RawRecord } from '../../../src/stream-agg/records.js';
import { ingestSnapshot } from '../metrics/snapshot-fixtures.js';
import { deferred, settle } from '../../support/deferred.js';

const lag: RawRecord = { kind: 'lag', second: 1_700_000_001, at: 1_700_000_001_010, lag: 1250, endOffsets: 52_000, committed: 50_750 };
const fresh: RawRecord = { kind: 'freshness', n: 17, scheduledAt: 1_700_000_000_100, ackedAt: 1_700_000_000_123, foundAt: null, worker: 'ingest-0' };
const control: RawRecord = { kind: 'control', receivedAt: 1_700_000_000_140, v: 1, type: 'heartbeat', run: 'r', runId: 'abc', from: 'ingest-0', at: 1_700_000_000_120 };
const worker: RawRecord = { kind: 'worker', ...ingestSnapshot() };

async function lines(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'every line ends with a newline');
  return text.slice(0, -1).split('\n').map((l) => {
    const r = parseRecordLine(l);
    assert.ok(r.ok, `line parses: ${l}`);
    return r.record;
  });
}

describe('record sink (SPEC §13.1 snapshots.jsonl, §10.2 coordinator records on the metrics topic)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ib-record-sink-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one line per record in write order, after what the file already held, creating the directory', async () => {
    const out = join(dir, 'results', 'run-1');
    const failures: RecordSinkFailure[] = [];
    const first = await RecordSink.open({ dir: out, onError: (f) => failures.push(f) });
    first.write(worker);
    await first.close();
    const sink = await RecordSink.open({ dir: out, onError: (f) => failures.push(f) }); // a resumed coordinator appends
    for (const r of [lag, fresh, control]) sink.write(r);
    const stats = await sink.close();
    assert.deepEqual(await lines(join(out, SNAPSHOTS_FILE)), [worker, lag, fresh, control]);
    assert.deepEqual(stats, { lines: 3, unwrittenLines: 0, published: 0, publishFailed: 0, fileError: null });
    assert.deepEqual(failures, []);
  });

  it('publishes the coordinator\'s records (lag, freshness, control) in order, never the worker snapshots', async () => {
    const batches: RawRecord[][] = [];
    const first = deferred<void>();
    const sink = await RecordSink.open({
      dir,
      publish: (records) => {
        batches.push([...records]);
        return batches.length === 1 ? first.promise : Promise.resolve();
      },
      onError: () => assert.fail('no failure expected'),
    });
    sink.write(lag);
    sink.write(worker);
    sink.write(fresh);
    sink.write(control);
    assert.deepEqual(batches, [[lag]], 'one send in flight; the rest queue behind it');
    first.resolve();
    const stats = await sink.close();
    assert.deepEqual(batches, [[lag], [fresh, control]]);
    assert.equal(stats.published, 3);
    assert.equal(stats.lines, 4);
  });

  it('sends through the metrics topic with every record under key `coordinator`', async () => {
    const sent: { topic: string; entries: JsonEntry<RawRecord>[] }[] = [];
    const producer = {
      sendBatch: async (topic: string, entries: readonly JsonEntry<RawRecord>[]) => {
        sent.push({ topic, entries: [...entries] });
        return [];
      },
    };
    await metricsTopicPublisher(producer, 'ib.r.metrics')([lag, fresh]);
    assert.deepEqual(sent, [{ topic: 'ib.r.metrics', entries: [{ key: COORDINATOR_KEY, value: lag }, { key: COORDINATOR_KEY, value: fresh }] }]);
    assert.equal(COORDINATOR_KEY, 'coordinator');
  });

  it('counts and reports a failed publish, still writes every line, and publishes later records', async () => {
    const failures: RecordSinkFailure[] = [];
    const batches: RawRecord[][] = [];
    const sink = await RecordSink.open({
      dir,
      publish: async (records) => {
        batches.push([...records]);
        if (batches.length === 1) throw new Error('sending 1 message(s) to \'ib.r.metrics\' failed: broker down');
      },
      onError: (f) => failures.push(f),
    });
    sink.write(lag);
    await settle();
    sink.write(fresh);
    const stats = await sink.close();
    assert.deepEqual(failures.map((f) => [f.what, f.records, f.message]), [
      ['publish', 1, 'publishing 1 record(s) failed: sending 1 message(s) to \'ib.r.metrics\' failed: broker down'],
    ]);
    assert.deepEqual([stats.published, stats.publishFailed, stats.lines], [1, 1, 2]);
    assert.deepEqual(await lines(join(dir, SNAPSHOTS_FILE)), [lag, fresh]);
  });

  it('reports a file that cannot be written once, counts the lines it could not take, and still closes', async () => {
    await symlink('/dev/full', join(dir, SNAPSHOTS_FILE)); // Linux: every write to /dev/full fails with ENOSPC
    const failures: RecordSinkFailure[] = [];
    const sink = await RecordSink.open({ dir, onError: (f) => failures.push(f) });
    sink.write(lag);
    await settle();
    sink.write(fresh);
    sink.write(control);
    const stats = await sink.close();
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.what, 'file');
    assert.match(failures[0]!.message, /^writing '.*snapshots\.jsonl' failed: .*ENOSPC/);
    assert.equal(stats.fileError, failures[0]!.message);
    assert.deepEqual([stats.lines, stats.unwrittenLines], [0, 3]);
  });

  it('rejects at open, naming the path, when the directory cannot be created', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    await assert.rejects(RecordSink.open({ dir: join(dir, 'a-file', 'run'), onError: () => undefined }),
      /cannot open '.*a-file\/run\/snapshots\.jsonl' for the run's raw records: .*ENOTDIR/);
  });

  it('counts and reports a record written after close', async () => {
    const failures: RecordSinkFailure[] = [];
    const sink = await RecordSink.open({ dir, onError: (f) => failures.push(f) });
    await sink.close();
    sink.write(lag);
    sink.write(fresh);
    assert.deepEqual(failures.map((f) => [f.what, f.records]), [['file', 1]]);
    assert.match(failures[0]!.message, /a 'lag' record arrived after '.*snapshots\.jsonl' was closed/);
    assert.equal(sink.stats().unwrittenLines, 2);
  });
});

describe('live publisher (SPEC §10.3)', () => {
  const state: LiveBody = { kind: 'state', stage: 'running', ready: { ingest: 2, query: 1 }, expected: { ingest: 2, query: 1 }, t0: 1_700_000_003_000, durationS: 600 };

  function fakeProducer(answer: (call: number) => Promise<unknown> = () => Promise.resolve([])) {
    const sent: { topic: string; entries: JsonEntry<LiveMessage>[] }[] = [];
    let disconnected = 0;
    const producer = {
      sendBatch: async (topic: string, entries: readonly JsonEntry<LiveMessage>[]) => {
        sent.push({ topic, entries: [...entries] });
        await answer(sent.length - 1);
        return [];
      },
      disconnect: async () => {
        disconnected++;
      },
    };
    return { producer, sent, disconnected: () => disconnected };
  }

  function logCapture() {
    const logged: string[] = [];
    return { logger: new Logger({ level: 'warn', sink: { write: (l: string) => logged.push(l) } }), logged };
  }

  it('adds the envelope { v, run, runId, at } and sends under the run name on the live topic', async () => {
    const fake = fakeProducer();
    const clock = new ManualClock(1_700_000_004_321);
    const live = new LivePublisher({ producer: fake.producer, topic: 'ib.r.live', run: 'r', runId: 'abc', clock, logger: logCapture().logger });
    assert.equal(await live.publish(state), true);
    assert.deepEqual(fake.sent, [{
      topic: 'ib.r.live',
      entries: [{ key: 'r', value: { v: 1, run: 'r', runId: 'abc', at: 1_700_000_004_321, ...state } as LiveMessage }],
    }]);
    assert.deepEqual(live.stats(), { sent: 1, failed: 0, failures: [] });
  });

  it('keeps the order of publish calls while a send is in flight', async () => {
    const first = deferred<void>();
    const fake = fakeProducer((call) => (call === 0 ? first.promise : Promise.resolve()));
    const clock = new ManualClock(1000);
    const live = new LivePublisher({ producer: fake.producer, topic: 'ib.r.live', run: 'r', runId: 'abc', clock, logger: logCapture().logger });
    const results = [live.publish(state)];
    clock.advance(10);
    results.push(live.publish({ ...state, stage: 'draining' }), live.publish({ ...state, stage: 'reporting' }));
    await settle();
    assert.equal(fake.sent.length, 1);
    first.resolve();
    assert.deepEqual(await Promise.all(results), [true, true, true]);
    const stages = fake.sent.flatMap((s) => s.entries.map((e) => (e.value.kind === 'state' ? [e.value.stage, e.value.at] : null)));
    assert.deepEqual(stages, [['running', 1000], ['draining', 1010], ['reporting', 1010]]);
    assert.deepEqual(fake.sent.map((s) => s.entries.length), [1, 2]);
  });

  it('counts and logs a failed send without throwing, and later messages are still sent', async () => {
    const fake = fakeProducer((call) => (call === 0 ? Promise.reject(new Error('broker down')) : Promise.resolve()));
    const { logger, logged } = logCapture();
    const live = new LivePublisher({ producer: fake.producer, topic: 'ib.r.live', run: 'r', runId: 'abc', clock: new ManualClock(0), logger });
    assert.equal(await live.publish(state), false);
    assert.equal(await live.publish(state), true);
    assert.deepEqual(live.stats(), { sent: 1, failed: 1, failures: [{ message: 'broker down', count: 1 }] });
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /live message not published .*broker down/);
  });

  it('close sends what is queued, then disconnects the producer; a publish after close is counted, not sent', async () => {
    const first = deferred<void>();
    const fake = fakeProducer((call) => (call === 0 ? first.promise : Promise.resolve()));
    const live = new LivePublisher({ producer: fake.producer, topic: 'ib.r.live', run: 'r', runId: 'abc', clock: new ManualClock(0), logger: logCapture().logger });
    void live.publish(state);
    void live.publish({ ...state, stage: 'done' });
    const closing = live.close();
    await settle();
    assert.equal(fake.disconnected(), 0, 'not before the queue is sent');
    first.resolve();
    const stats = await closing;
    assert.equal(fake.disconnected(), 1);
    assert.equal(stats.sent, 2);
    assert.equal(await live.publish(state), false);
    assert.equal(live.stats().failed, 1);
    assert.equal(fake.sent.length, 2);
  });
});
