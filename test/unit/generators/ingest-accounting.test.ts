import assert from 'node:assert/strict';
import { IngestAccounting } from '../../../src/generators/ingest-accounting.js';
import { StreamSchedule } from '../../../src/generators/schedule.js';
import { Hist } from '../../../src/metrics/hist.js';
import { ingestBlockToTotals } from '../../../src/metrics/ingest-totals.js';

const T0 = 1_800_000_000_000;
const S0 = T0 / 1000;
const PROC = { cpuPct: 1, cpuLimitCores: 2, rssMb: 50, eventLoopDelayP99Ms: 1 };
const ID = { run: 'r', runId: 'id', worker: 'ingest-0' };

function setup(lanes = 2) {
  // 3 s at 10 EPS then 2 s at 20 EPS
  const schedule = new StreamSchedule(T0, [
    { offsetS: 0, durationS: 3, profile: 'baseline' }, { offsetS: 3, durationS: 2, profile: 'incident' },
  ], [{ firstG: 0, events: 30 }, { firstG: 30, events: 40 }]);
  const acc = new IngestAccounting([{ name: 'logs', schedule }],
    Array.from({ length: lanes }, (_, l) => ({ stream: 0, lane: l, lanes })),
    [{ name: 'a', offsetS: 0, durationS: 3, targetEps: 10 }, { name: 'b', offsetS: 3, durationS: 2, targetEps: 20 }], T0);
  return { schedule, acc };
}

describe('ingest accounting by due second (SPEC §10.1)', () => {
  it('counts due events per second from the plan and acked events in their due second', () => {
    const { acc } = setup(1);
    acc.produced(0, 1, { firstG: 0, count: 15 });
    acc.acked(0, 1, { firstG: 0, count: 15 }, T0 + 1400, T0 + 1500);
    const s0 = acc.snapshot(S0, ID, PROC);
    assert.equal(s0.ingest!.due, 10);
    assert.equal(s0.ingest!.acked, 10);
    assert.equal(s0.ingest!.targetEps, 10);
    assert.equal(s0.phase, 'a');
    const h = Hist.decode(s0.ingest!.produceDelay);
    assert.equal(h.count, 10);
    assert.equal(h.max! >= 1_500_000 - 1_500, true); // g 0 scheduled at T0, acked at T0 + 1500 ms
    assert.equal(Hist.decode(s0.ingest!.ackLatency).count, 1, 'one ack latency per batch');
    const s1 = acc.snapshot(S0 + 1, ID, PROC);
    assert.equal(s1.ingest!.acked, 5);
    assert.equal(s1.ingest!.due, 10);
    assert.equal(s1.late, undefined);
  });

  it('carries operations completing after their second was published in `late`, never twice', () => {
    const { acc } = setup(1);
    acc.produced(0, 1, { firstG: 0, count: 10 });
    const s0 = acc.snapshot(S0, ID, PROC);
    assert.equal(s0.ingest!.produced, 10);
    assert.equal(s0.ingest!.acked, 0);
    acc.acked(0, 1, { firstG: 0, count: 10 }, T0 + 900, T0 + 1300);
    const s1 = acc.snapshot(S0 + 1, ID, PROC);
    assert.equal(s1.ingest!.acked, 0);
    assert.equal(s1.late![String(S0)]!.ingest!.acked, 10);
    assert.equal(s1.late![String(S0)]!.ingest!.produced, 0, 'produced already published');
    assert.equal(s1.late![String(S0)]!.ingest!.due, 0, 'due is published once');
    const s2 = acc.snapshot(S0 + 2, ID, PROC);
    assert.equal(s2.late, undefined);
  });

  it('sums due over the whole timeline to exactly the lane events, for several lane splits', () => {
    for (const lanes of [1, 2, 3]) {
      const { acc } = setup(lanes);
      let due = 0;
      for (let s = S0 - 1; s < S0 + 7; s++) due += acc.snapshot(s, ID, PROC).ingest!.due;
      assert.equal(due, 70, `lanes=${lanes}`);
      assert.equal(acc.totals().ingest!.due, 70);
    }
  });

  it('counts failures by class and missed events per stream in their due seconds', () => {
    const { acc } = setup(1);
    acc.failed(0, 1, { firstG: 25, count: 10 }, 'KafkaJSConnectionError');
    acc.missed(0, 1, { firstG: 35, count: 3 });
    const s3 = acc.snapshot(S0 + 3, ID, PROC);
    const late2 = ingestBlockToTotals(s3.late![String(S0 + 2)]!.ingest!);
    assert.equal(late2.failed, 5); // g 25..29 due in second 2
    assert.equal(s3.ingest!.failed, 5); // g 30..34 due in second 3
    assert.deepEqual(s3.ingest!.errorClasses, { KafkaJSConnectionError: 5 });
    assert.equal(s3.ingest!.missed, 3);
    assert.deepEqual(s3.ingest!.byStream, { logs: { due: 20, acked: 0, failed: 5, missed: 3 } });
    assert.deepEqual(acc.totals().ingest, { due: 20 + 0, produced: 0, acked: 0, failed: 10, missed: 3 });
  });

  it('reports the phase switch in the snapshot of the second it happened', () => {
    const { acc } = setup(1);
    acc.phaseSwitched(T0 + 3004);
    assert.equal(acc.snapshot(S0 + 2, ID, PROC).phaseSwitchAt, undefined);
    const s3 = acc.snapshot(S0 + 3, ID, PROC);
    assert.equal(s3.phaseSwitchAt, T0 + 3004);
    assert.equal(s3.phase, 'b');
    assert.equal(s3.ingest!.targetEps, 20);
  });
});
