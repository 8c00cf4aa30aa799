// laneThreadsWarning: an ingest worker warns when its lane threads exceed the CPU limit it is given (a pod's cgroup).

import assert from 'node:assert/strict';
import { laneThreadsWarning } from '../../../src/control/lane-cpu-check.js';

describe('laneThreadsWarning (lane threads vs the CPU limit)', () => {
  it('says nothing when the threads fit the limit, including exactly at it', () => {
    assert.equal(laneThreadsWarning(2, 4), null);
    assert.equal(laneThreadsWarning(4, 4), null);
    assert.equal(laneThreadsWarning(1, 1), null);
  });

  it('warns when the threads exceed the limit, naming both numbers and what to change', () => {
    const w = laneThreadsWarning(4, 2);
    assert.ok(w !== null);
    assert.match(w, /^4 lane threads but a CPU limit of 2 cores: /);
    assert.match(w, /saturate/);
    assert.match(w, /at most 2 /);
  });

  it('counts a fractional limit as it is (2 threads over 1.5 cores warn; the advice rounds down, at least 1)', () => {
    assert.match(laneThreadsWarning(2, 1.5)!, /^2 lane threads but a CPU limit of 1\.5 cores: .*at most 1 /);
    assert.match(laneThreadsWarning(1, 0.5)!, /^1 lane thread but a CPU limit of 0\.5 cores: .*at most 1 /);
    assert.match(laneThreadsWarning(3, 1)!, /a CPU limit of 1 core: /);
  });

  it('treats an unknown limit (0 or not a number) as no limit', () => {
    assert.equal(laneThreadsWarning(8, 0), null);
    assert.equal(laneThreadsWarning(8, Number.NaN), null);
  });
});
