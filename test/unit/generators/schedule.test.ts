import assert from 'node:assert/strict';
import {
  firstOfLane, laneCount, laneEvents, mulDivCeil, mulDivFloor, StreamSchedule, type SchedulePhase, type ScheduleStreamPhase,
} from '../../../src/generators/schedule.js';

const T0 = Date.UTC(2026, 0, 1);

/** A schedule from [durationS, events, profile] rows, phases back to back. */
function schedule(rows: [number, number, 'baseline' | 'incident'][], t0 = T0): StreamSchedule {
  const phases: SchedulePhase[] = [];
  const stream: ScheduleStreamPhase[] = [];
  let offset = 0;
  let g = 0;
  for (const [d, n, profile] of rows) {
    phases.push({ offsetS: offset, durationS: d, profile });
    stream.push({ firstG: g, events: n });
    offset += d;
    g += n;
  }
  return new StreamSchedule(t0, phases, stream);
}

/** SPEC §5.1 in BigInt arithmetic: the reference the schedule must equal exactly. */
function reference(s: StreamSchedule, g: number): number {
  const p = s.streamPhases.findIndex((sp) => g >= sp.firstG && g < sp.firstG + sp.events);
  const sp = s.streamPhases[p]!;
  const ph = s.phases[p]!;
  return Number(BigInt(s.t0Ms) + 1000n * BigInt(ph.offsetS)
    + (1000n * BigInt(g - sp.firstG) * BigInt(ph.durationS)) / BigInt(sp.events));
}

describe('stream schedule (SPEC §4 event split, §5.1)', () => {
  const awkward = schedule([[7, 3, 'baseline'], [3, 0, 'incident'], [13, 997, 'incident'], [1, 1, 'incident'], [11, 4001, 'baseline']]);

  it('computes every scheduled time exactly on an awkward table (N not dividing D, a phase without events)', () => {
    for (let g = 0; g < awkward.totalEvents; g++) assert.equal(awkward.scheduledTimeOf(g), reference(awkward, g), `g ${g}`);
  });

  it('finds the phase of every g, skipping phases without events', () => {
    assert.equal(awkward.totalEvents, 3 + 997 + 1 + 4001);
    assert.deepEqual([0, 2, 3, 999, 1000, 1001, 5001].map((g) => awkward.phaseOf(g)), [0, 0, 2, 2, 3, 4, 4]);
    assert.deepEqual([0, 3, 1000, 1001].map((g) => awkward.profileOf(g)), ['baseline', 'incident', 'incident', 'baseline']);
  });

  it('starts each phase at t0 + 1000 × offset and spreads its events over it', () => {
    assert.equal(awkward.scheduledTimeOf(3), T0 + 10_000);
    assert.equal(awkward.scheduledTimeOf(1000), T0 + 23_000);
    assert.equal(awkward.scheduledTimeOf(2), T0 + Math.floor((1000 * 2 * 7) / 3));
    assert.ok(awkward.scheduledTimeOf(5001) < T0 + 35_000);
  });

  it('stays exact when 1000 × (g − firstG) × D exceeds 2^53', () => {
    const big = schedule([[86_400, 3_000_000_000, 'incident']]);
    for (const g of [0, 1, 2_999_999_999, 1_234_567_891, 2_147_483_648]) assert.equal(big.scheduledTimeOf(g), reference(big, g), `g ${g}`);
  });

  it('rejects g outside the schedule and inconsistent tables', () => {
    assert.throws(() => awkward.phaseOf(awkward.totalEvents), RangeError);
    assert.throws(() => awkward.phaseOf(-1), RangeError);
    assert.throws(() => new StreamSchedule(T0 + 1, [{ offsetS: 0, durationS: 1, profile: 'baseline' }], [{ firstG: 0, events: 1 }]), RangeError);
    assert.throws(() => new StreamSchedule(T0, [{ offsetS: 0, durationS: 1, profile: 'baseline' }], []), RangeError);
    assert.throws(() => new StreamSchedule(T0, [{ offsetS: 0, durationS: 1, profile: 'baseline' }], [{ firstG: 5, events: 1 }]), RangeError);
  });

  it('finds the first g at or after any time, as a linear scan would', () => {
    for (let ms = T0 - 5; ms <= T0 + 36_000; ms += 7) {
      let expected = awkward.totalEvents;
      for (let g = 0; g < awkward.totalEvents; g++) {
        if (awkward.scheduledTimeOf(g) >= ms) {
          expected = g;
          break;
        }
      }
      assert.equal(awkward.firstAtOrAfter(ms), expected, `ms ${ms - T0}`);
    }
  });

  it('multiplies and divides exactly (floor and ceil) against BigInt', () => {
    const cases: [number, number, number][] = [[7, 3, 2], [2 ** 40, 86_400_000, 3], [999_999_937, 86_400_000, 1_000_000_007], [10, 10, 10], [0, 5, 3]];
    for (const [a, b, n] of cases) {
      assert.equal(mulDivFloor(a, b, n), Number((BigInt(a) * BigInt(b)) / BigInt(n)));
      assert.equal(mulDivCeil(a, b, n), Number((BigInt(a) * BigInt(b) + BigInt(n) - 1n) / BigInt(n)));
    }
  });
});

describe('lanes (SPEC §4: lane ℓ owns g ≡ ℓ mod L)', () => {
  it('partitions every range exactly for several lane counts: the lanes\' g together are the range, once each', () => {
    for (const lanes of [1, 2, 3, 7, 16]) {
      for (const [a, b] of [[0, 100], [5, 6], [13, 13], [997, 5001]]) {
        const seen: number[] = [];
        let total = 0;
        for (let lane = 0; lane < lanes; lane++) {
          const gs = [...laneEvents(lane, lanes, a!, b!)];
          for (const g of gs) assert.equal(g % lanes, lane);
          assert.equal(gs.length, laneCount(lane, lanes, a!, b!));
          total += gs.length;
          seen.push(...gs);
        }
        seen.sort((x, y) => x - y);
        assert.deepEqual(seen, Array.from({ length: b! - a! }, (_, i) => a! + i), `L ${lanes} [${a}, ${b})`);
        assert.equal(total, b! - a!);
      }
    }
  });

  it('gives each lane\'s count per phase, summing to the phase\'s events', () => {
    const s = schedule([[10, 101, 'baseline'], [5, 0, 'incident'], [7, 50, 'incident']]);
    for (const lanes of [1, 4, 6]) {
      for (let p = 0; p < 3; p++) {
        const counts = Array.from({ length: lanes }, (_, l) => s.laneEventsInPhase(p, l, lanes));
        assert.equal(counts.reduce((x, y) => x + y, 0), s.streamPhases[p]!.events);
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
      }
    }
  });

  it('finds a lane\'s first g at or after a start', () => {
    assert.equal(firstOfLane(3, 4, 0), 3);
    assert.equal(firstOfLane(3, 4, 4), 7);
    assert.equal(firstOfLane(0, 4, 8), 8);
    assert.equal(firstOfLane(1, 3, 2 ** 40), 2 ** 40 + ((1 - (2 ** 40 % 3) + 3) % 3));
  });
});
