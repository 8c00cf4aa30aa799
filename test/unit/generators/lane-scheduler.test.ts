import assert from 'node:assert/strict';
import { LaneScheduler } from '../../../src/generators/lane-scheduler.js';
import { StreamSchedule } from '../../../src/generators/schedule.js';

const T0 = 1_800_000_000_000;

/** One phase of `seconds` at `eps` (events = eps × seconds). */
function schedule(eps: number, seconds: number): StreamSchedule {
  return new StreamSchedule(T0, [{ offsetS: 0, durationS: seconds, profile: 'baseline' }],
    [{ firstG: 0, events: eps * seconds }]);
}

describe('lane scheduler: token bucket whose tokens are the schedule (SPEC §6.2)', () => {
  it('sends a full batch as soon as batch_size tokens are waiting', () => {
    const s = schedule(1000, 10); // one event per ms
    const lane = new LaneScheduler(s, 0, 1, { batchSizes: [100], maxInflightBatches: 4 });
    assert.deepEqual(lane.tick(T0 + 40).batches, []); // 41 tokens, oldest 40 ms old
    assert.deepEqual(lane.tick(T0 + 49).batches, []);
    const big = new LaneScheduler(s, 0, 1, { batchSizes: [100], maxInflightBatches: 4 });
    assert.deepEqual(big.tick(T0 + 30).batches, []);
    assert.deepEqual(big.tick(T0 + 99).batches, [{ firstG: 0, count: 100 }]);
  });

  it('flushes a partial batch once its oldest token is 50 ms old', () => {
    const s = schedule(10, 10); // one event per 100 ms
    const lane = new LaneScheduler(s, 0, 1, { batchSizes: [500], maxInflightBatches: 4 });
    assert.deepEqual(lane.tick(T0 + 49).batches, []);
    assert.deepEqual(lane.tick(T0 + 50).batches, [{ firstG: 0, count: 1 }]);
    assert.deepEqual(lane.tick(T0 + 100).batches, []);
    assert.deepEqual(lane.tick(T0 + 150).batches, [{ firstG: 1, count: 1 }]);
  });

  it('sends full batches immediately and owns only g ≡ lane (mod lanes)', () => {
    const s = schedule(1000, 10);
    const lane = new LaneScheduler(s, 2, 4, { batchSizes: [5], maxInflightBatches: 100 });
    const t = lane.tick(T0 + 39); // g 0..39 due; lane 2 owns 2, 6, …, 38: 10 events
    assert.deepEqual(t.batches, [{ firstG: 2, count: 5 }, { firstG: 22, count: 5 }]);
    assert.equal(lane.nextG, 42);
  });

  it('keeps at most max_inflight_batches outstanding and resumes on completion', () => {
    const s = schedule(1000, 10);
    const lane = new LaneScheduler(s, 0, 1, { batchSizes: [10], maxInflightBatches: 2 });
    assert.equal(lane.tick(T0 + 99).batches.length, 2);
    assert.equal(lane.inflightBatches, 2);
    assert.equal(lane.tick(T0 + 120).batches.length, 0);
    lane.complete();
    assert.deepEqual(lane.tick(T0 + 120).batches, [{ firstG: 20, count: 10 }]);
  });

  it('counts tokens older than 1 s as missed, oldest first, and never sends them late', () => {
    const s = schedule(1000, 10);
    const lane = new LaneScheduler(s, 0, 1, { batchSizes: [100], maxInflightBatches: 1 });
    assert.deepEqual(lane.tick(T0 + 99).batches, [{ firstG: 0, count: 100 }]);
    const t = lane.tick(T0 + 1500); // batch still in flight: tokens scheduled before T0 + 500 are missed
    assert.deepEqual(t.missed, [{ firstG: 100, count: 400 }]);
    assert.deepEqual(t.batches, []);
    assert.equal(t.scheduleLagMs, 1000);
    lane.complete();
    const after = lane.tick(T0 + 1500);
    assert.deepEqual(after.batches, [{ firstG: 500, count: 100 }]);
  });

  it('accounts every event exactly once as sent or missed over a whole timeline', () => {
    const s = new StreamSchedule(T0, [
      { offsetS: 0, durationS: 3, profile: 'baseline' },
      { offsetS: 3, durationS: 2, profile: 'incident' },
      { offsetS: 5, durationS: 1, profile: 'baseline' },
    ], [{ firstG: 0, events: 777 }, { firstG: 777, events: 0 }, { firstG: 777, events: 1234 }]);
    for (const lanes of [1, 3, 7]) {
      let handled = 0;
      for (let l = 0; l < lanes; l++) {
        const lane = new LaneScheduler(s, l, lanes, { batchSizes: [50, 50, 20], maxInflightBatches: 2 });
        let step = 0;
        for (let t = T0; !lane.exhausted; t += 10) {
          const r = lane.tick(t);
          for (const b of [...r.batches, ...r.missed]) handled += b.count;
          for (let i = 0; i < r.batches.length; i++) if (step++ % 3 !== 0) lane.complete(); // some stay in flight
          while (lane.inflightBatches > 1) lane.complete();
        }
      }
      assert.equal(handled, s.totalEvents, `lanes=${lanes}`);
    }
  });
});

describe('lane scheduler: abandon', () => {
  it('reports tokens due but never sent as missed and ignores those not yet due', () => {
    const s = schedule(1000, 10);
    const lane = new LaneScheduler(s, 1, 2, { batchSizes: [10], maxInflightBatches: 1 });
    assert.deepEqual(lane.tick(T0 + 19).batches, [{ firstG: 1, count: 10 }]);
    assert.deepEqual(lane.abandon(T0 + 99), { firstG: 21, count: 40 }); // g 21, 23, …, 99
    assert.equal(lane.exhausted, true);
    assert.equal(lane.abandon(T0 + 500), null);
  });
});
