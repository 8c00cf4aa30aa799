import assert from 'node:assert/strict';
import { StreamSchedule, type SchedulePhase, type ScheduleStreamPhase } from '../../../src/generators/schedule.js';
import { SentinelSchedule, sentinelId } from '../../../src/generators/sentinels.js';

const T0 = Date.UTC(2026, 0, 1);

function schedule(rows: [number, number][]): StreamSchedule {
  const phases: SchedulePhase[] = [];
  const stream: ScheduleStreamPhase[] = [];
  let offset = 0;
  let g = 0;
  for (const [d, n] of rows) {
    phases.push({ offsetS: offset, durationS: d, profile: 'baseline' });
    stream.push({ firstG: g, events: n });
    offset += d;
    g += n;
  }
  return new StreamSchedule(T0, phases, stream);
}

/** SPEC §5.3 by brute force: sentinel n is the first g scheduled ≥ t0 + n·interval, skipped when equal to n − 1's. */
function bruteForce(s: StreamSchedule, intervalMs: number): Map<number, number> {
  const out = new Map<number, number>();
  const end = s.scheduledTimeOf(s.totalEvents - 1);
  let prev = -1;
  for (let n = 0; T0 + n * intervalMs <= end; n++) {
    let g = 0;
    while (s.scheduledTimeOf(g) < T0 + n * intervalMs) g++;
    if (g !== prev) out.set(n, g);
    prev = g;
  }
  return out;
}

function all(ss: SentinelSchedule, s: StreamSchedule, horizon: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let n = 0; n <= horizon; n++) {
    const g = ss.gOf(n);
    if (g !== null) out.set(n, g);
  }
  assert.equal(ss.gOf(horizon + 1000), null, 'no sentinel after the last event');
  void s;
  return out;
}

describe('freshness sentinels (SPEC §5.3)', () => {
  it('names sentinel n of a run ib-<first 8 characters of the run id>-<n>', () => {
    assert.equal(sentinelId('3f2a9c1e-77aa-4bbb-8ccc-0123456789ab', 17), 'ib-3f2a9c1e-17');
    assert.equal(sentinelId('3f2a9c1e-77aa-4bbb-8ccc-0123456789ab', 17, 'audit'), 'ib-3f2a9c1e-audit-17',
      'in a run of several streams the id names the stream, whose sentinels count from 0 like every other stream\'s');
  });

  it('puts sentinel n on the first event at or after t0 + n × interval at high rates', () => {
    const s = schedule([[5, 5000], [3, 30]]);
    const ss = new SentinelSchedule(s, 1);
    assert.deepEqual(all(ss, s, 8), bruteForce(s, 1000));
    assert.equal(ss.gOf(0), 0);
    assert.equal(ss.gOf(1), 1000);
    assert.equal(ss.gOf(5), 5000);
  });

  it('skips sentinel n when its event is already sentinel n − 1 (below one event per interval)', () => {
    const s = schedule([[10, 4]]); // events at 0, 2.5 s, 5 s, 7.5 s
    const ss = new SentinelSchedule(s, 1);
    const expected = bruteForce(s, 1000);
    assert.deepEqual([...expected.entries()], [[0, 0], [1, 1], [3, 2], [6, 3]]);
    assert.deepEqual(all(ss, s, 10), expected);
    assert.equal(ss.gOf(2), null);
  });

  it('gives phases without events no sentinel of their own', () => {
    const s = schedule([[2, 4], [3, 0], [2, 2]]);
    const ss = new SentinelSchedule(s, 1);
    const expected = bruteForce(s, 1000);
    assert.deepEqual(all(ss, s, 7), expected);
    // Thresholds at 2, 3 and 4 s fall in the empty phase: the first names the next phase's first event, the others are skipped.
    assert.deepEqual([ss.gOf(2), ss.gOf(3), ss.gOf(4), ss.gOf(5)], [4, null, null, null]);
  });

  it('takes fractional intervals at millisecond resolution', () => {
    const s = schedule([[3, 600], [2, 7]]);
    const ss = new SentinelSchedule(s, 0.25);
    assert.equal(ss.intervalMs, 250);
    assert.deepEqual(all(ss, s, 25), bruteForce(s, 250));
  });

  it('tells the sentinel number of every event, the inverse of gOf', () => {
    const s = schedule([[10, 4], [2, 0], [3, 700]]);
    const ss = new SentinelSchedule(s, 1);
    const byG = new Map([...bruteForce(s, 1000)].map(([n, g]) => [g, n]));
    for (let g = 0; g < s.totalEvents; g++) assert.equal(ss.nAt(g), byG.get(g) ?? null, `g ${g}`);
  });

  it('lists the sentinels of a lane\'s range, and the lanes together list each sentinel of the range once', () => {
    const s = schedule([[4, 9], [2, 0], [5, 1234]]);
    const ss = new SentinelSchedule(s, 0.5);
    const expected = [...bruteForce(s, 500)].map(([n, g]) => ({ n, g }));
    for (const [a, b] of [[0, s.totalEvents], [3, 700], [9, 10], [500, 500]]) {
      const inRange = expected.filter((x) => x.g >= a! && x.g < b!);
      assert.deepEqual(ss.inRange(a!, b!), inRange, `[${a}, ${b})`);
      for (const lanes of [2, 3]) {
        const union = Array.from({ length: lanes }, (_, l) => ss.inRange(a!, b!, l, lanes)).flat().sort((x, y) => x.g - y.g);
        assert.deepEqual(union, inRange);
        for (let l = 0; l < lanes; l++) for (const x of ss.inRange(a!, b!, l, lanes)) assert.equal(x.g % lanes, l);
      }
    }
  });

  it('rejects a non-positive interval', () => {
    assert.throws(() => new SentinelSchedule(schedule([[1, 1]]), 0), RangeError);
  });
});
