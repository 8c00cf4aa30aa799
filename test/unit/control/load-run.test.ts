// Why a finished `incidentbench load` failed (SPEC §14 load: exit 1 naming the lag left), as the one-line message.

import assert from 'node:assert/strict';
import { loadFailure, type LoadRunResult } from '../../../src/control/load-run.js';

function result(over: Partial<LoadRunResult>): LoadRunResult {
  return {
    run: 'r', t0: 0, produced: 10, acked: 10, lag: 0, produceMs: 1, totalMs: 2, eps: 10, consumed: true, interrupted: false,
    failure: null, prepared: { consumerGroups: null, queryEndpoints: {} }, warnings: [],
    streams: [{ stream: 'a', topic: 'ib.r.events.a', produced: 10, acked: 10, lag: 0 }, { stream: 'b', topic: 'ib.r.events.b', produced: 0, acked: 0, lag: 0 }],
    ...over,
  };
}

describe('load outcome (SPEC §14 load)', () => {
  it('is a success when everything was consumed', () => {
    assert.equal(loadFailure(result({}), 60), null);
  });

  it('names the lag left per topic, the drain timeout and what to do when the target did not catch up', () => {
    const msg = loadFailure(result({ consumed: false, lag: 7, streams: [
      { stream: 'a', topic: 'ib.r.events.a', produced: 10, acked: 10, lag: 7 },
      { stream: 'b', topic: 'ib.r.events.b', produced: 5, acked: 5, lag: 0 },
      { stream: 'c', topic: 'ib.r.events.c', produced: 5, acked: 5, lag: null }] }), 45);
    assert.equal(msg, 'the target did not consume the loaded events within the drain timeout (45 s): ib.r.events.a: lag 7, '
      + 'ib.r.events.c: never read; expected lag 0 (raise --drain-timeout, or check that the target consumes the topic)');
  });

  it('reports a Kafka failure with how many events were acknowledged', () => {
    assert.equal(loadFailure(result({ consumed: false, acked: 4, failure: 'producing to t failed: broker down' }), 60),
      'producing to t failed: broker down (4 of 10 events acknowledged)');
  });

  it('is no failure when the user interrupted (the command exits 130 instead)', () => {
    assert.equal(loadFailure(result({ consumed: false, interrupted: true }), 60), null);
  });
});
