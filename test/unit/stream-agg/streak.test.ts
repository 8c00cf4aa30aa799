import assert from 'node:assert/strict';
import { longestStreak, streakAtLeast } from '../../../src/stream-agg/streak.js';

const T = true;
const F = false;

describe('longestStreak (SPEC §12.1 no crash / Kafka healthy)', () => {
  it('finds the longest run of true and the index of its first element', () => {
    // Runs: [0,1] length 2, [3,4,5] length 3 → length 3 from index 3.
    assert.deepEqual(longestStreak([T, T, F, T, T, T, F]), { length: 3, start: 3 });
  });

  it('gives the earliest run when two runs are equally long', () => {
    // Runs: [0,1] and [3,4], both length 2 → start 0.
    assert.deepEqual(longestStreak([T, T, F, T, T]), { length: 2, start: 0 });
  });

  it('counts a run that lasts to the end', () => {
    assert.deepEqual(longestStreak([F, T, T]), { length: 2, start: 1 });
    assert.deepEqual(longestStreak([T, T, T, T]), { length: 4, start: 0 });
  });

  it('returns length 0 and start null when there is no true', () => {
    assert.deepEqual(longestStreak([]), { length: 0, start: null });
    assert.deepEqual(longestStreak([F, F]), { length: 0, start: null });
  });
});

describe('streakAtLeast', () => {
  const run = (n: number): boolean[] => Array.from({ length: n }, () => true);

  it('is true when some run reaches n', () => {
    // 29 true, false, 30 true → the second run has 30.
    assert.equal(streakAtLeast([...run(29), F, ...run(30)], 30), true);
  });

  it('is false when runs only reach n together, separated by a false', () => {
    // 29 + 29 = 58 true in all, but never 30 in a row.
    assert.equal(streakAtLeast([...run(29), F, ...run(29)], 30), false);
  });

  it('is true for n = 0 even without any true, and rejects a negative or fractional n', () => {
    assert.equal(streakAtLeast([], 0), true);
    assert.throws(() => streakAtLeast([T], -1), RangeError);
    assert.throws(() => streakAtLeast([T], 1.5), RangeError);
  });
});
