// Unit tests of the live-topic router of `incidentbench metrics`: history held back (latest RunState only, or the
// summary of a finished run), malformed records reported once per kind and counted, the end at the summary.

import assert from 'node:assert/strict';
import { LiveTail, type LiveOutput, type LiveRecord } from '../../../src/cli/live-tail.js';
import type { LiveMessage } from '../../../src/stream-agg/live-types.js';
import { livePoint, liveState, liveSummary } from '../../support/live-messages.js';

interface Recorded {
  shown: { message: LiveMessage; raw: unknown }[];
  problems: string[];
  notes: string[];
  skipped: number[];
  output: LiveOutput;
}

function recorder(): Recorded {
  const r: Recorded = {
    shown: [], problems: [], notes: [], skipped: [],
    output: {
      show: (message, raw) => r.shown.push({ message, raw }),
      problem: (line) => r.problems.push(line),
      note: (line) => r.notes.push(line),
      skipped: (n) => r.skipped.push(n),
    },
  };
  return r;
}

const TOPIC = 'ib.r.live';
const tailOf = (out: Recorded, historyEnd: [number, number][] = []) => new LiveTail({ run: 'r', topic: TOPIC, historyEnd: new Map(historyEnd), output: out.output });
const rec = (offset: number, value: unknown, partition = 0): LiveRecord => ({ partition, offset, value });
const kinds = (out: Recorded) => out.shown.map((s) => `${s.message.kind}${s.message.kind === 'state' ? `:${s.message.stage}` : ''}`);

describe('live tail', () => {
  it('with nothing before it, shows every message as received, in order, and ends at the summary', () => {
    const out = recorder();
    const tail = tailOf(out);
    const values = [liveState('r'), livePoint('r', 0), livePoint('r', 1), liveSummary('r')];
    const ended = values.map((v, i) => tail.handle(rec(i, v)));
    assert.deepEqual(ended, [false, false, false, true]);
    assert.deepEqual(out.shown.map((s) => s.raw), values);
    assert.equal(tail.finished, true);
    assert.equal(tail.handle(rec(4, livePoint('r', 2))), true);
    assert.equal(out.shown.length, 4, 'nothing after the summary');
  });

  it('holds back what was in the topic and shows only the latest RunState, then the new messages', () => {
    const out = recorder();
    const tail = tailOf(out, [[0, 4]]);
    tail.handle(rec(0, liveState('r', { stage: 'preparing', at: 1 })));
    tail.handle(rec(1, liveState('r', { stage: 'waiting', at: 2 })));
    tail.handle(rec(2, liveState('r', { stage: 'running', at: 3 })));
    assert.deepEqual(kinds(out), [], 'nothing before the history is read to its end');
    tail.handle(rec(3, livePoint('r', 0)));
    assert.deepEqual(kinds(out), ['state:running']);
    tail.handle(rec(4, livePoint('r', 1)));
    assert.deepEqual(kinds(out), ['state:running', 'point']);
    assert.equal((out.shown[1]!.message as { elapsedS: number }).elapsedS, 1);
    assert.equal(tail.finished, false);
    assert.deepEqual(out.notes, []);
  });

  it('settles the history even when its last record is malformed', () => {
    const out = recorder();
    const tail = tailOf(out, [[0, 2]]);
    tail.handle(rec(0, liveState('r')));
    tail.handle(rec(1, { v: 1, kind: 'bogus', run: 'r', runId: 'x', at: 9 }));
    assert.deepEqual(kinds(out), ['state:running']);
    assert.equal(out.problems.length, 1);
  });

  it('shows the state and the summary at once when the run had already finished, with a note', () => {
    const out = recorder();
    const tail = tailOf(out, [[0, 3]]);
    tail.handle(rec(0, liveState('r')));
    tail.handle(rec(1, livePoint('r', 0)));
    const ended = tail.handle(rec(2, liveSummary('r')));
    assert.equal(ended, true);
    assert.equal(tail.alreadyFinished, true);
    assert.deepEqual(kinds(out), ['state:running', 'summary']);
    assert.match(out.notes[0]!, /^run r had already finished; its summary follows \(--from-start replays the whole run\)$/);
  });

  it('stops waiting for other partitions\' history once a new record arrives', () => {
    const out = recorder();
    const tail = tailOf(out, [[0, 2], [1, 5]]);
    tail.handle(rec(0, liveState('r', { stage: 'waiting', at: 1 })));
    tail.handle(rec(1, liveState('r', { stage: 'running', at: 99 })));
    assert.deepEqual(kinds(out), [], 'partition 1 still has history');
    tail.handle(rec(2, livePoint('r', 0)));
    assert.deepEqual(kinds(out), ['state:running', 'point']);
    tail.handle(rec(0, liveState('r', { stage: 'preparing', at: 100 }), 1));
    tail.handle(rec(3, livePoint('r', 1)));
    assert.deepEqual(kinds(out), ['state:running', 'point', 'point'], 'late history is not shown');
  });

  it('reports each kind of malformed record once, counts them all and keeps going', () => {
    const out = recorder();
    const tail = tailOf(out);
    tail.handle(rec(0, 'text'));
    tail.handle(rec(1, { ...livePoint('r', 0), ackedEps: 'many' }));
    tail.handle(rec(2, { ...livePoint('r', 1), ackedEps: null }));
    tail.handle(rec(3, { ...liveState('r'), v: 2 }));
    tail.handle(rec(4, livePoint('other', 1)));
    tail.handle(rec(5, livePoint('other', 2)));
    tail.handle(rec(6, livePoint('r', 3)));
    assert.deepEqual(out.problems, [
      `skipped a malformed record of ${TOPIC} (partition 0, offset 0): not a JSON object — further ones of this kind are only counted`,
      `skipped a malformed record of ${TOPIC} (partition 0, offset 1): point: "ackedEps" must be a number — further ones of this kind are only counted`,
      `skipped a malformed record of ${TOPIC} (partition 0, offset 3): unsupported version 2 (expected 1) — further ones of this kind are only counted`,
      `skipped a malformed record of ${TOPIC} (partition 0, offset 4): message of run "other", expected "r" — further ones of this kind are only counted`,
    ]);
    assert.equal(tail.skipped, 6);
    assert.deepEqual(out.skipped, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(kinds(out), ['point']);
    assert.equal(tail.skippedSummary(), `skipped 6 malformed records of ${TOPIC}`);
  });

  it('reports records that were not JSON once, from the consumer\'s running count', () => {
    const out = recorder();
    const tail = tailOf(out);
    assert.equal(tail.skippedSummary(), null);
    tail.noteUndecodable(0);
    tail.noteUndecodable(2);
    tail.noteUndecodable(2);
    tail.noteUndecodable(5);
    assert.equal(out.problems.length, 1);
    assert.match(out.problems[0]!, /not one UTF-8 JSON value; expected a live message/);
    assert.equal(tail.skipped, 5);
    assert.deepEqual(out.skipped, [2, 5]);
  });
});
