// Unit tests of the --live TUI's reducer (live messages → view model) and sparkline series.
// Must not touch Kafka or a terminal.

import assert from 'node:assert/strict';
import { emptyLiveView, noteSkipped, recentSeries, reduceLive, SPARK_WINDOW_S, type LiveView } from '../../../src/cli/tui/live-view.js';
import type { LiveMessage } from '../../../src/stream-agg/live-types.js';
import { livePoint, liveState, liveSummary } from '../../support/live-messages.js';

const fold = (messages: LiveMessage[], from: LiveView = emptyLiveView('r')): LiveView => messages.reduce(reduceLive, from);

describe('live view reducer', () => {
  it('keeps the latest RunState and takes the planned duration from it before any point', () => {
    const v = fold([liveState('r', { stage: 'waiting', durationS: 300 }), liveState('r', { stage: 'running', at: 2, durationS: 300 })]);
    assert.equal(v.state?.stage, 'running');
    assert.equal(v.durationS, 300);
    assert.equal(v.latest, null);
  });

  it('records the phases seen in timeline order with the current one last', () => {
    const v = fold([0, 1, 2, 3, 4].map((s) => livePoint('r', s, { phase: s < 2 ? 'baseline' : s < 4 ? 'surge' : 'overlap' })));
    assert.deepEqual(v.phases, [
      { name: 'baseline', firstElapsedS: 0 }, { name: 'surge', firstElapsedS: 2 }, { name: 'overlap', firstElapsedS: 4 },
    ]);
    assert.equal(v.latest?.phase, 'overlap');
  });

  it('orders phases by time even when points arrive out of order', () => {
    const v = fold([livePoint('r', 5, { phase: 'surge' }), livePoint('r', 1, { phase: 'baseline' }), livePoint('r', 3, { phase: 'surge' })]);
    assert.deepEqual(v.phases, [{ name: 'baseline', firstElapsedS: 1 }, { name: 'surge', firstElapsedS: 3 }]);
    assert.equal(v.latest?.elapsedS, 5, 'an older point does not replace the latest');
  });

  it('keeps one point per second for the last 60 s only', () => {
    const v = fold(Array.from({ length: 100 }, (_, s) => livePoint('r', s, { ackedEps: s })));
    assert.equal(v.recent.length, SPARK_WINDOW_S);
    assert.equal(v.recent[0]!.elapsedS, 40);
    assert.equal(v.recent[59]!.elapsedS, 99);
    const again = reduceLive(v, livePoint('r', 99, { ackedEps: 7 }));
    assert.equal(again.recent.length, SPARK_WINDOW_S, 'a repeated second replaces, never duplicates');
    assert.equal(again.recent[59]!.ackedEps, 7);
  });

  it('gives a 60-value series ending at the latest second, null where a second is missing', () => {
    const v = fold([livePoint('r', 10, { lag: 5 }), livePoint('r', 12, { lag: 9 })]);
    const series = recentSeries(v, (p) => p.lag);
    assert.equal(series.length, SPARK_WINDOW_S);
    assert.deepEqual(series.slice(-3), [5, null, 9]);
    assert.ok(series.slice(0, -3).every((x) => x === null));
    assert.deepEqual(recentSeries(emptyLiveView('r'), (p) => p.lag), []);
  });

  it('stores the summary', () => {
    const v = fold([livePoint('r', 0), liveSummary('r')]);
    assert.equal(v.summary?.exitCode, 0);
    assert.equal(v.latest?.elapsedS, 0);
  });

  it('starts a fresh view when a message of another runId arrives (run name reused), keeping the skip count', () => {
    const old = noteSkipped(fold([liveState('r'), livePoint('r', 50, { phase: 'recovery' })]), 2);
    const v = reduceLive(old, livePoint('r', 0, { runId: 'rid-2', phase: 'baseline' }));
    assert.equal(v.runId, 'rid-2');
    assert.equal(v.state, null);
    assert.deepEqual(v.phases, [{ name: 'baseline', firstElapsedS: 0 }]);
    assert.equal(v.recent.length, 1);
    assert.equal(v.skipped, 2);
  });

  it('never changes the view it is given', () => {
    const before = fold([liveState('r'), livePoint('r', 0)]);
    const copy = structuredClone(before);
    reduceLive(before, livePoint('r', 1, { phase: 'surge' }));
    reduceLive(before, liveSummary('r'));
    noteSkipped(before, 3);
    assert.deepEqual(before, copy);
  });

  it('counts skipped records as the highest total reported', () => {
    assert.equal(noteSkipped(noteSkipped(emptyLiveView('r'), 3), 2).skipped, 3);
  });
});
