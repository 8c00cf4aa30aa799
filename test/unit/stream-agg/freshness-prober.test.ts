// Unit tests of freshness probing (SPEC §8.6): one probe for all pending sentinels every 250 ms, foundAt = send time
// of the finding probe, censoring at 60 s on the coordinator's clock, failures counted, nothing dropped at the end.

import assert from 'node:assert/strict';
import type { RunContext, StreamContext } from '../../../src/adapters/types.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ManualTimers } from '../../../src/core/timers.js';
import { sentinelId } from '../../../src/generators/sentinels.js';
import { CENSOR_AFTER_MS, FreshnessProber, type ProbeFailure, type ReportedSentinel } from '../../../src/stream-agg/freshness-prober.js';
import type { FreshnessRecord } from '../../../src/stream-agg/records.js';
import { deferred, pass as passInSteps, settle } from '../../support/deferred.js';

const T0 = 1_700_000_000_000;
const RUN_ID = 'abcdef0123456789';
const id = (n: number): string => sentinelId(RUN_ID, n);

function stream(name: string): StreamContext {
  return { name, index: name, timestampField: '@timestamp', fields: [], topic: `ib.r.events.${name}`, partitions: 4 };
}

function context(streams: string[]): RunContext {
  return { run: 'r', runId: RUN_ID, streams: streams.map(stream), logger: silentLogger };
}

function ack(n: number, over: Partial<ReportedSentinel> = {}): ReportedSentinel {
  return { stream: 'events', worker: 'ingest-0', n, scheduledAt: T0 - 40 + n, ackedAt: T0 - 20 + n, ...over };
}

/** Advances in 250 ms steps (one probe tick each), letting answers land between ticks. */
const pass = (timers: ManualTimers, ms: number): Promise<void> => passInSteps(timers, ms, 250);

/** A target whose probe answers come from `answer(ids, callIndex)`; every call is recorded with its clock time. */
function setup(answer: (ids: string[], call: number) => Promise<Set<string>>, streams = ['events']) {
  const timers = new ManualTimers(T0);
  const calls: { ids: string[]; at: number }[] = [];
  const adapter = {
    probe: (ids: string[]): Promise<Set<string>> => {
      calls.push({ ids: [...ids], at: timers.clock.nowMs() });
      return answer(ids, calls.length - 1);
    },
  };
  const records: FreshnessRecord[] = [];
  const errors: ProbeFailure[] = [];
  const prober = new FreshnessProber({ adapter, ctx: context(streams), timers, onRecord: (r) => records.push(r), onError: (e) => errors.push(e) });
  return { timers, calls, records, errors, prober };
}

describe('freshness prober (SPEC §8.6)', () => {
  it('asks for every pending sentinel in one probe request per 250 ms tick, with no cap, and sends nothing when none is pending', async () => {
    const { timers, calls, prober } = setup(async () => new Set());
    prober.start();
    await pass(timers, 1000);
    assert.equal(calls.length, 0, 'no request without pending sentinels');
    for (let n = 0; n < 5000; n++) prober.add(ack(n));
    await pass(timers, 250);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.ids.length, 5000);
    assert.deepEqual(calls[0]!.ids.slice(0, 3), [id(0), id(1), id(2)]);
    await pass(timers, 500);
    assert.deepEqual(calls.map((c) => c.at - T0), [1250, 1500, 1750]);
    prober.stop();
  });

  it('stamps foundAt with the send time of the probe that found the sentinel, not the time its answer came', async () => {
    const slow = deferred<Set<string>>();
    const { timers, calls, records, prober } = setup(() => slow.promise);
    prober.start();
    prober.add(ack(7));
    await pass(timers, 250); // probe sent at T0 + 250
    await pass(timers, 500); // still in flight
    slow.resolve(new Set([id(7)]));
    await settle();
    assert.equal(calls.length, 1);
    assert.deepEqual(records, [{ kind: 'freshness', n: 7, scheduledAt: T0 - 33, ackedAt: T0 - 13, foundAt: T0 + 250, worker: 'ingest-0' }]);
    prober.stop();
  });

  it('skips the ticks while a probe is in flight and counts them', async () => {
    const slow = deferred<Set<string>>();
    const { timers, calls, prober } = setup((_ids, call) => (call === 0 ? slow.promise : Promise.resolve(new Set<string>())));
    prober.start();
    prober.add(ack(1));
    await pass(timers, 1000); // ticks at 250 (sent), 500, 750, 1000 (skipped)
    assert.equal(calls.length, 1);
    assert.equal(prober.stats().skippedTicks, 3);
    slow.resolve(new Set());
    await settle();
    await pass(timers, 250);
    assert.equal(calls.length, 2, 'probes again once the answer is back');
    prober.stop();
  });

  it('censors a sentinel no probe sent within 60 s of its ack found; the probe at exactly 60 s still counts', async () => {
    // Both added at T0: sentinel 1 is never found; sentinel 2 is found only by the probe sent at T0 + 60 s.
    const { timers, calls, records, prober } = setup(async (ids) =>
      new Set(timers.clock.nowMs() === T0 + CENSOR_AFTER_MS ? ids.filter((i) => i === id(2)) : []));
    prober.start();
    prober.add(ack(1));
    prober.add(ack(2));
    await pass(timers, CENSOR_AFTER_MS - 250);
    assert.equal(records.length, 0, 'nothing before 60 s');
    await pass(timers, 250);
    assert.deepEqual(calls.at(-1), { ids: [id(1), id(2)], at: T0 + CENSOR_AFTER_MS });
    assert.deepEqual(records.map((r) => [r.n, r.foundAt]), [[2, T0 + CENSOR_AFTER_MS]]);
    await pass(timers, 250);
    assert.deepEqual(records.map((r) => [r.n, r.foundAt]), [[2, T0 + CENSOR_AFTER_MS], [1, null]]);
    assert.deepEqual(calls.at(-1)!.at, T0 + CENSOR_AFTER_MS, 'no probe after the deadline');
    assert.deepEqual(prober.stats().censored, 1);
    prober.stop();
  });

  it('counts the 60 s from when the ack reached the coordinator, so a worker clock far behind cannot censor early', async () => {
    const { timers, records, prober } = setup(async (ids) => new Set(timers.clock.nowMs() >= T0 + 30_000 ? ids : []));
    prober.start();
    prober.add(ack(3, { scheduledAt: T0 - 120_050, ackedAt: T0 - 120_000 })); // worker clock 2 minutes behind
    await pass(timers, 30_000);
    assert.deepEqual(records, [{ kind: 'freshness', n: 3, scheduledAt: T0 - 120_050, ackedAt: T0 - 120_000, foundAt: T0 + 30_000, worker: 'ingest-0' }]);
    prober.stop();
  });

  it('counts a failed probe, reports it with its occurrence, and keeps the sentinels pending for the next probe', async () => {
    const { timers, records, errors, prober } = setup(async (ids, call) => {
      if (call < 2) throw new Error('target unreachable');
      return new Set(ids);
    });
    prober.start();
    prober.add(ack(4));
    await pass(timers, 750);
    assert.deepEqual(errors.map((e) => [e.message, e.occurrences, e.ids]), [['target unreachable', 1, 1], ['target unreachable', 2, 1]]);
    assert.deepEqual(records.map((r) => [r.n, r.foundAt]), [[4, T0 + 750]]);
    const stats = prober.stats();
    assert.equal(stats.failedProbes, 2);
    assert.equal(stats.probes, 3);
    assert.deepEqual(stats.failures, [{ message: 'target unreachable', count: 2 }]);
    prober.stop();
  });

  it('puts `stream` on the records only when the run has several streams, and always the worker', async () => {
    const one = setup(async (ids) => new Set(ids));
    one.prober.start();
    one.prober.add(ack(1, { worker: 'ingest-3' }));
    await pass(one.timers, 250);
    assert.equal(one.records.length, 1);
    assert.ok(!('stream' in one.records[0]!));
    assert.equal(one.records[0]!.worker, 'ingest-3');
    one.prober.stop();

    const two = setup(async (ids) => new Set(ids), ['app', 'audit']);
    two.prober.start();
    two.prober.add(ack(1, { stream: 'audit', worker: 'ingest-1' }));
    await pass(two.timers, 250);
    assert.deepEqual(two.records.map((r) => [r.stream, r.worker]), [['audit', 'ingest-1']]);
    two.prober.stop();
  });

  it('gives each stream\'s sentinel n an id of its own in a run of several streams, so one stream\'s row answers only for it', async () => {
    const appId = sentinelId(RUN_ID, 5, 'app');
    const auditId = sentinelId(RUN_ID, 5, 'audit');
    assert.notEqual(appId, auditId);
    assert.equal(appId, `ib-${RUN_ID.slice(0, 8)}-app-5`);
    const { timers, calls, records, prober } = setup(async (ids, call) => new Set(ids.filter((i) => i === appId || call > 0)), ['app', 'audit']);
    prober.start();
    prober.add(ack(5, { stream: 'app' }));
    prober.add(ack(5, { stream: 'audit', worker: 'ingest-1' }));
    await pass(timers, 250);
    assert.deepEqual(calls[0]!.ids, [appId, auditId]);
    assert.deepEqual(records.map((r) => [r.stream, r.n, r.foundAt]), [['app', 5, T0 + 250]], 'audit\'s sentinel is still pending');
    await pass(timers, 250);
    assert.deepEqual(calls[1]!.ids, [auditId]);
    assert.deepEqual(records.map((r) => [r.stream, r.n, r.foundAt]), [['app', 5, T0 + 250], ['audit', 5, T0 + 500]]);
    prober.stop();
  });

  it('ignores a sentinel added twice (a replayed snapshot) and counts it', async () => {
    const { timers, calls, records, prober } = setup(async (ids) => new Set(ids));
    prober.start();
    prober.add(ack(9));
    prober.add(ack(9));
    await pass(timers, 250);
    prober.add(ack(9));
    await pass(timers, 250);
    assert.deepEqual(calls.map((c) => c.ids), [[id(9)]]);
    assert.equal(records.length, 1);
    assert.equal(prober.stats().duplicates, 2);
    prober.stop();
  });

  it('finish keeps probing until every sentinel is found or censored, then stops', async () => {
    const { timers, calls, records, prober } = setup(async (ids, call) => new Set(call === 0 ? ids.filter((i) => i === id(1)) : []));
    prober.start();
    prober.add(ack(1));
    prober.add(ack(2));
    let done = false;
    const finishing = prober.finish().then(() => { done = true; });
    const again = prober.finish();
    await pass(timers, 250);
    assert.deepEqual(records.map((r) => r.n), [1]);
    assert.equal(done, false);
    await pass(timers, CENSOR_AFTER_MS);
    await finishing;
    await again; // a second finish() waits for the same end
    assert.deepEqual(records.map((r) => [r.n, r.foundAt]), [[1, T0 + 250], [2, null]]);
    const probes = calls.length;
    await pass(timers, 5000);
    assert.equal(calls.length, probes, 'stopped');
  });

  it('finish with a timeout stops there and emits what is still pending as censored', async () => {
    const { timers, records, prober } = setup(async () => new Set());
    prober.start();
    prober.add(ack(1));
    const finishing = prober.finish({ timeoutMs: 1000 });
    await pass(timers, 1000);
    await finishing;
    assert.deepEqual(records.map((r) => [r.n, r.foundAt]), [[1, null]]);
  });

  it('stop emits every pending sentinel as censored at once and disregards the probe in flight', async () => {
    const slow = deferred<Set<string>>();
    const { timers, records, prober } = setup(() => slow.promise);
    prober.start();
    prober.add(ack(1));
    prober.add(ack(2));
    await pass(timers, 250);
    prober.stop();
    assert.deepEqual(records.map((r) => [r.n, r.foundAt]), [[1, null], [2, null]]);
    slow.resolve(new Set([id(1)]));
    await settle();
    assert.equal(records.length, 2);
    assert.deepEqual([prober.stats().found, prober.stats().censored, prober.stats().pending], [0, 2, 0]);
  });

  it('emits a sentinel added after stop as censored at once and counts it', () => {
    const { records, prober } = setup(async (ids) => new Set(ids));
    prober.start();
    prober.stop();
    prober.add(ack(8));
    assert.deepEqual(records.map((r) => [r.n, r.foundAt]), [[8, null]]);
    assert.equal(prober.stats().addedAfterStop, 1);
  });
});
