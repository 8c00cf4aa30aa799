// The progress line and summary of `incidentbench load` (SPEC §14: a status line on a terminal, lines otherwise).

import assert from 'node:assert/strict';
import { formatLoadProgress, LoadProgressLine } from '../../../src/cli/commands/load.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns: 80, write: (t: string) => writes.push(t) } };
}

describe('load progress (SPEC §14 load)', () => {
  it('shows produced, acked and EPS while producing, then the lag while waiting', () => {
    assert.equal(formatLoadProgress({ stage: 'producing', produced: 4000, acked: 3000, total: 5000, elapsedMs: 2000, eps: 1500 }),
      'load: produced 4,000 / 5,000, acked 3,000, 1,500 EPS, 2 s');
    assert.equal(formatLoadProgress({ stage: 'waiting', lag: 1234, elapsedMs: 5400 }), 'load: waiting for the target: lag 1,234, 5 s');
  });

  it('rewrites one line in place on a terminal and clears it at the end', () => {
    const { writes, out } = sink(true);
    const line = new LoadProgressLine(out);
    line.show({ stage: 'producing', produced: 1, acked: 1, total: 2, elapsedMs: 1000, eps: 1 });
    line.show({ stage: 'waiting', lag: 1, elapsedMs: 2000 });
    line.end();
    assert.equal(writes.length, 3);
    assert.ok(writes.slice(0, 2).every((w) => w.startsWith('\r\x1b[2K') && !w.includes('\n')));
    assert.equal(writes[2], '\r\x1b[2K');
  });

  it('without a terminal writes a line at each stage change and every 10 s, nothing in between', () => {
    const { writes, out } = sink(false);
    const line = new LoadProgressLine(out);
    for (let s = 1; s <= 12; s++) line.show({ stage: 'producing', produced: s, acked: s, total: 20, elapsedMs: s * 1000, eps: 1 });
    line.show({ stage: 'waiting', lag: 3, elapsedMs: 13_000 });
    line.show({ stage: 'waiting', lag: 0, elapsedMs: 14_000 });
    line.end();
    assert.deepEqual(writes.map((w) => w.trimEnd().replace(/^load: /, '').split(',')[0]),
      ['produced 1 / 20', 'produced 10 / 20', 'waiting for the target: lag 3']);
    assert.ok(writes.every((w) => w.endsWith('\n') && !w.includes('\x1b')));
  });
});
