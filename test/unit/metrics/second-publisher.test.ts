import assert from 'node:assert/strict';
import { ManualTimers } from '../../../src/core/timers.js';
import { SecondPublisher } from '../../../src/metrics/second-publisher.js';

describe('second publisher (SPEC §10.1: within 200 ms after the second ends)', () => {
  it('publishes each second 100 ms after it ends, in order, without gaps, and flushes on finish', () => {
    const timers = new ManualTimers(1_000_000);
    const seen: [number, number][] = [];
    const p = new SecondPublisher(timers, 1000, (s) => seen.push([s, timers.clock.nowMs()]));
    timers.advance(1099);
    assert.equal(seen.length, 0);
    timers.advance(1);
    assert.deepEqual(seen, [[1000, 1_001_100]]);
    timers.advance(3000);
    assert.deepEqual(seen.map(([s]) => s), [1000, 1001, 1002, 1003]);
    assert.ok(seen.every(([s, at]) => at - (s + 1) * 1000 === 100));
    p.finish(1005);
    assert.deepEqual(seen.map(([s]) => s), [1000, 1001, 1002, 1003, 1004, 1005]);
    timers.advance(10_000);
    assert.equal(seen.length, 6, 'nothing after finish');
  });
});
