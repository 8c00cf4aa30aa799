import assert from 'node:assert/strict';
import { RunAggregator } from '../../../src/stream-agg/run-aggregator.js';
import { goldenPlan, RunRecords, T0_MS, T0_S, times } from '../../support/run-records.js';

// One 20 s phase, one ingest worker (ingest-0) and one query worker (query-0). Seconds are written relative to t0:
// S(3) is the unix second t0/1000 + 3. SPEC §10.2: second s is closed when the watermark (min over live workers of
// the highest second received) is ≥ s + 3.
const plan = goldenPlan({ phases: [{ name: 'baseline', durationS: 20, eps: 10, qps: 2 }] });
const S = (rel: number) => T0_S + rel;
const rels = (seconds: number[]) => seconds.map((s) => s - T0_S);

function started(): { agg: RunAggregator; r: RunRecords } {
  const r = new RunRecords(plan).start();
  const agg = new RunAggregator(plan);
  for (const rec of r.records) agg.add(rec);
  return { agg, r };
}

/** Adds the records appended to `r` since the last call, returning every second they closed (relative). */
function feed(agg: RunAggregator, r: RunRecords, from: number): { closed: number[]; next: number } {
  const closed: number[] = [];
  for (const rec of r.records.slice(from)) closed.push(...agg.add(rec));
  return { closed: rels(closed), next: r.records.length };
}

const q = (ok: number, ms = 10) => ({ query: { due: ok, started: ok, latencyMs: times(ok, ms) } });
const i = (acked: number) => ({ ingest: { due: acked, acked } });

describe('RunAggregator: watermark and late data (SPEC §10.2)', () => {
  it('closes second s only when every live worker has sent a snapshot for s + 3 or later', () => {
    const { agg, r } = started();
    let at = r.records.length;
    for (let s = 0; s <= 5; s++) r.snapshot('ingest-0', S(s), i(10));
    let f = feed(agg, r, at);
    assert.deepEqual(f.closed, [], 'query-0 has sent nothing: it holds the watermark');
    assert.equal(agg.watermark(), null);
    r.snapshot('query-0', S(0), q(2)).snapshot('query-0', S(1), q(2)).snapshot('query-0', S(2), q(2));
    f = feed(agg, r, f.next);
    assert.deepEqual(f.closed, [], 'watermark min(5, 2) = 2 < 0 + 3');
    r.snapshot('query-0', S(3), q(2));
    f = feed(agg, r, f.next);
    assert.deepEqual(f.closed, [0], 'watermark min(5, 3) = 3 ≥ 0 + 3 closes second 0 only');
    assert.equal(agg.isClosed(S(0)), true);
    assert.equal(agg.isClosed(S(1)), false);
    r.snapshot('query-0', S(8), q(2));
    f = feed(agg, r, f.next);
    assert.deepEqual(f.closed, [1, 2], 'watermark min(5, 8) = 5 closes through 5 − 3 = 2: the slowest worker decides');
    assert.equal(agg.lastClosed, S(2));
  });

  for (const [how, add] of [
    ['lost', (r: RunRecords) => r.lost('query-0', S(11) * 1000)],
    ['done', (r: RunRecords) => r.done('query-0', S(11) * 1000, S(11) * 1000 + 5)],
    ['failed', (r: RunRecords) => r.fail('query-0', S(11) * 1000, S(11) * 1000 + 5, 'target unreachable')],
  ] as const) {
    it(`stops counting a ${how} worker in the watermark`, () => {
      const { agg, r } = started();
      const at = r.records.length;
      for (let s = 0; s <= 10; s++) r.snapshot('ingest-0', S(s), i(10));
      r.snapshot('query-0', S(0), q(2)).snapshot('query-0', S(1), q(2));
      let f = feed(agg, r, at);
      assert.equal(agg.lastClosed, null, 'watermark min(10, 1) = 1: nothing closed');
      add(r);
      f = feed(agg, r, f.next);
      assert.deepEqual(f.closed, [0, 1, 2, 3, 4, 5, 6, 7], `query-0 ${how}: watermark = ingest-0's 10 → closed through 7`);
    });
  }

  it('uses the highest second of all when no worker is active any more', () => {
    const { agg, r } = started();
    const at = r.records.length;
    r.snapshot('ingest-0', S(9), i(10)).snapshot('query-0', S(6), q(2));
    r.done('ingest-0', S(10) * 1000, S(10) * 1000).done('query-0', S(10) * 1000, S(10) * 1000);
    feed(agg, r, at);
    assert.equal(agg.watermark(), S(9));
    assert.equal(agg.lastClosed, S(6), '9 − 3');
  });

  it('merges a late entry into its closed second and counts it as a late entry, not a late snapshot', () => {
    const { agg, r } = started();
    const at = r.records.length;
    for (let s = 0; s <= 4; s++) r.snapshot('ingest-0', S(s), i(10)).snapshot('query-0', S(s), q(2, 10));
    let f = feed(agg, r, at);
    assert.deepEqual(f.closed, [0, 1]);
    // Second 0's slow queries complete later: 3 ok at 900 ms and 1 timeout, carried by the snapshot of second 5.
    r.snapshot('query-0', S(5), { ...q(2, 10), late: new Map([[S(0), { query: { ok: 3, timeouts: 1, latencyMs: times(3, 900) } }]]) });
    r.snapshot('ingest-0', S(5), { ...i(10), late: new Map([[S(1), { ingest: { acked: 4, failed: 1 } }]]) });
    f = feed(agg, r, f.next);
    assert.deepEqual(f.closed, [2]);
    const b0 = agg.bucket(S(0))!.query!;
    assert.equal(b0.started, 2, 'late blocks carry no starts');
    assert.equal(b0.ok, 2 + 3);
    assert.equal(b0.timeouts, 1);
    const h = b0.latency.merged();
    assert.equal(h.count, 5);
    assert.ok(h.percentileMs(100)! >= 900 && h.percentileMs(100)! < 901, 'the 900 ms queries are in second 0');
    assert.equal(agg.bucket(S(1))!.ingest!.acked, 10 + 4);
    assert.equal(agg.bucket(S(1))!.ingest!.failed, 1);
    assert.equal(agg.counters.lateEntries, 2);
    assert.equal(agg.counters.lateSnapshots, 0);
    assert.equal(agg.bucket(S(5))!.query!.ok, 2, 'the carrying snapshot keeps only its own second');
  });

  it('counts a whole snapshot for a closed second as late and still merges it', () => {
    const { agg, r } = started();
    const at = r.records.length;
    for (let s = 0; s <= 5; s++) r.snapshot('ingest-0', S(s), i(10));
    for (const s of [0, 2, 3, 4, 5]) r.snapshot('query-0', S(s), q(2));
    let f = feed(agg, r, at);
    assert.deepEqual(f.closed, [0, 1, 2], 'second 1 of query-0 is missing; the watermark went on');
    assert.equal(agg.bucket(S(1))!.query, null, 'closed without query data');
    r.snapshot('query-0', S(1), q(7, 30));
    f = feed(agg, r, f.next);
    assert.deepEqual(f.closed, []);
    assert.equal(agg.counters.lateSnapshots, 1);
    assert.equal(agg.bucket(S(1))!.query!.ok, 7, 'merged although late');
    assert.equal(agg.watermark(), S(5), 'a late snapshot does not lower the worker\'s highest second');
  });

  it('merges a duplicate snapshot (same worker and second) only once, late entries included', () => {
    const { agg, r } = started();
    const at = r.records.length;
    const dup = { ...q(2), late: new Map([[S(0), { query: { ok: 1, latencyMs: [500] } }]]) };
    r.snapshot('query-0', S(0), q(2)).snapshot('query-0', S(1), dup).snapshot('query-0', S(1), dup);
    r.snapshot('ingest-0', S(0), i(10)).snapshot('ingest-0', S(0), i(10));
    feed(agg, r, at);
    assert.equal(agg.counters.duplicateSnapshots, 2);
    assert.equal(agg.bucket(S(1))!.query!.ok, 2);
    assert.equal(agg.bucket(S(0))!.query!.ok, 3, '2 + the late 1, once');
    assert.equal(agg.bucket(S(0))!.ingest!.acked, 10);
    assert.equal(agg.counters.lateEntries, 1);
  });

  it('does not merge snapshots of another run id, of a worker the plan does not have, or with the wrong role', () => {
    const { agg, r } = started();
    const at = r.records.length;
    r.snapshot('query-0', S(0), { ...q(5), runId: 'another-run' });
    r.snapshot('query-7', S(0), q(5));
    r.snapshot('query-0', S(0), { ...i(99), role: 'ingest' });
    r.snapshot('ingest-0', S(0), i(10));
    feed(agg, r, at);
    assert.equal(agg.counters.foreignSnapshots, 3);
    assert.equal(agg.bucket(S(0))!.query, null);
    assert.equal(agg.bucket(S(0))!.ingest!.acked, 10);
    assert.equal(agg.bucket(S(0))!.workers.size, 1);
    assert.equal(agg.watermark(), null, 'foreign snapshots do not move the watermark: query-0 has sent nothing');
  });

  it('closes seconds nobody sent data for, and finish() closes the rest of the timeline', () => {
    const { agg, r } = started();
    const at = r.records.length;
    for (const s of [0, 1, 5, 9]) r.snapshot('ingest-0', S(s), i(10)).snapshot('query-0', S(s), q(2));
    const f = feed(agg, r, at);
    assert.deepEqual(f.closed, [0, 1, 2, 3, 4, 5, 6], 'seconds 2–4 and 6 have no data and are closed anyway');
    assert.equal(agg.bucket(S(3)), undefined);
    assert.equal(agg.isClosed(S(3)), true);
    assert.deepEqual(rels(agg.finish()), [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], 'through the last second of the 20 s timeline');
    assert.equal(agg.lastClosed, S(19));
    assert.deepEqual(agg.finish(), [], 'nothing left');
  });

  it('closes nothing before START, and finish() uses a t0 set by the caller when no start record exists', () => {
    const agg = new RunAggregator(plan);
    const r = new RunRecords(plan);
    r.snapshot('ingest-0', S(0), i(10)).snapshot('query-0', S(0), q(2));
    r.snapshot('ingest-0', S(8), i(10)).snapshot('query-0', S(8), q(2));
    for (const rec of r.records) assert.deepEqual(agg.add(rec), []);
    assert.equal(agg.lastClosed, null);
    agg.setT0(T0_MS);
    assert.equal(agg.finish().length, 20);
    assert.equal(agg.bucket(S(8))!.query!.ok, 2);
  });

  it('counts data outside the timeline but keeps it out of every phase', () => {
    const { agg, r } = started();
    r.snapshot('ingest-0', S(-1), i(10)).snapshot('ingest-0', S(20), i(10)).snapshot('ingest-0', S(3), i(10));
    feed(agg, r, 1);
    assert.equal(agg.counters.outsideTimeline, 2);
  });
});
