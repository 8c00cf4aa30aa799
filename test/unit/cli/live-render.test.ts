// Unit tests of the --live TUI's renderer (view model + terminal size → lines), its sparklines and gauges, and the
// fitting of styled lines. Must not touch Kafka or a terminal.

import assert from 'node:assert/strict';
import { gauge, sparkline, SPARK_LEVELS } from '../../../src/cli/tui/bars.js';
import { emptyLiveView, noteSkipped, reduceLive, type LiveView } from '../../../src/cli/tui/live-view.js';
import { renderLiveView } from '../../../src/cli/tui/render-live.js';
import { fitLine, lineText, span, visibleLength } from '../../../src/cli/tui/styled-line.js';
import type { LiveMessage } from '../../../src/stream-agg/live-types.js';
import { livePoint, liveState, liveSummary } from '../../support/live-messages.js';

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const plain = (s: string): string => s.replace(ANSI, '');
const chars = (s: string): number => [...plain(s)].length;

/** 134 s of a 180 s timeline: baseline 0–59, surge 60–119, overlap from 120; acked EPS climbing, lag growing. */
function midRun(): LiveView {
  const messages: LiveMessage[] = [liveState('r')];
  for (let s = 0; s <= 132; s += 1) {
    messages.push(livePoint('r', s, {
      phase: s < 60 ? 'baseline' : s < 120 ? 'surge' : 'overlap', ackedEps: 500 + s * 10, lag: s * 100, p99Ms: 100 + (s % 7) * 100,
    }));
  }
  return messages.reduce(reduceLive, emptyLiveView('r'));
}

describe('live TUI renderer', () => {
  it('shows the stage, the phases seen with the current one marked, and the countdown', () => {
    const text = renderLiveView(midRun(), { columns: 120, rows: 40 }, { color: false }).join('\n');
    assert.match(text, /^IncidentBench · run r · running · 3\/3 ingest, 2\/2 query ready$/m);
    assert.match(text, /^baseline › surge › \[overlap\] +02:13 \/ 03:00 · 00:47 left$/m);
  });

  it('shows the EPS gauge, lag, queries, freshness, workers and three sparklines of the last 60 s', () => {
    const lines = renderLiveView(midRun(), { columns: 120, rows: 40 }, { color: false });
    const text = lines.join('\n');
    assert.match(text, /^EPS {7}target 2,000 · acked 1,820 · consumed 1,450$/m);
    assert.match(text, /^ {2}acked {5}█+░+ 91\.0 %$/m);
    assert.match(text, /^lag {7}13,200$/m);
    assert.match(text, /^QPS {7}target 10\.0 · started 10\.0 · completed 9\.8$/m);
    assert.match(text, /^latency {3}p50 41 ms · p99 \d+ ms · err 0\.3 %$/m);
    assert.match(text, /^workers {3}2 active · 0 saturated$/m);
    const spark = (name: string) => lines.find((l) => l.startsWith(`  ${name}`))!;
    for (const name of ['acked EPS', 'p99', 'lag']) {
      const line = spark(name);
      assert.ok(line, `no ${name} sparkline`);
      const bars = line.slice(12).split('  max')[0]!;
      assert.equal([...bars].length, 60, `${name}: one character per second of the last 60 s`);
      assert.ok([...bars].every((c) => (SPARK_LEVELS as readonly string[]).includes(c)), `${name}: ${bars}`);
    }
    assert.ok(spark('acked EPS').endsWith('  max 1,820'));
    assert.ok(spark('lag').endsWith('█  max 13,200'), 'the largest value is a full bar');
  });

  it('fits every line to the width and the lines to the height, for any terminal size', () => {
    const view = noteSkipped(reduceLive(midRun(), liveSummary('r')), 4);
    for (const columns of [30, 31, 45, 60, 80, 132, 250]) {
      for (const rows of [3, 4, 6, 10, 15, 24, 60]) {
        for (const color of [false, true]) {
          const lines = renderLiveView(view, { columns, rows }, { color });
          assert.ok(lines.length <= rows, `${columns}x${rows}: ${lines.length} lines`);
          for (const l of lines) assert.ok(chars(l) <= columns, `${columns}x${rows}: ${chars(l)} chars: ${plain(l)}`);
        }
      }
    }
  });

  it('keeps the title, phase, EPS and latency lines on a short screen', () => {
    const lines = renderLiveView(midRun(), { columns: 100, rows: 4 }, { color: false });
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^IncidentBench/);
    assert.match(lines[1]!, /\[overlap\]/);
    assert.match(lines[2]!, /^EPS/);
    assert.match(lines[3]!, /^latency/);
  });

  it('drops the oldest phase names first when the phase line is narrow', () => {
    const lines = renderLiveView(midRun(), { columns: 44, rows: 40 }, { color: false });
    assert.ok(lines.some((l) => /^… › \[overlap\] +02:13 \/ 03:00 · 00:47 left$/.test(l) || /^… › surge › \[overlap\]/.test(l)),
      lines.join('\n'));
  });

  it('says when the terminal is too small to draw on', () => {
    assert.deepEqual(renderLiveView(midRun(), { columns: 20, rows: 10 }, { color: false }), ['too small (20x10)']);
    assert.deepEqual(renderLiveView(midRun(), { columns: 29, rows: 2 }, { color: false }), ['too small (29x2)']);
    assert.deepEqual(renderLiveView(midRun(), { columns: 0, rows: 0 }, { color: false }), []);
  });

  it('uses colours only when asked to', () => {
    const view = reduceLive(midRun(), livePoint('r', 133, { phase: 'overlap', saturated: true, errorRate: 0.2 }));
    const mono = renderLiveView(view, { columns: 120, rows: 40 }, { color: false });
    assert.ok(mono.every((l) => !l.includes('\u001b')));
    const colour = renderLiveView(view, { columns: 120, rows: 40 }, { color: true });
    assert.ok(colour.some((l) => l.includes('\u001b[31mHARNESS SATURATED\u001b[0m')));
    assert.ok(colour.some((l) => l.includes('\u001b[31merr 20.0 %\u001b[0m')));
    assert.deepEqual(colour.map(plain), mono);
  });

  it('shows the drain after the timeline, and waits before the first point', () => {
    const drain = renderLiveView(reduceLive(midRun(), livePoint('r', 184, { phase: 'drain' })), { columns: 100, rows: 30 }, { color: false });
    assert.ok(drain.some((l) => /\[drain\] +03:05 \/ 03:00 · drain \+00:05$/.test(l)), drain.join('\n'));
    const waiting = renderLiveView(reduceLive(emptyLiveView('r'), liveState('r', { stage: 'waiting', reason: 'READY barrier: 1/3 ingest' })),
      { columns: 100, rows: 30 }, { color: false });
    assert.deepEqual(waiting, ['IncidentBench · run r · waiting · 3/3 ingest, 2/2 query ready', 'waiting: READY barrier: 1/3 ingest']);
  });

  it('shows the end of the run and the skipped-record count', () => {
    const view = noteSkipped(reduceLive(midRun(), liveSummary('r', { valid: false, exitCode: 2 })), 3);
    const text = renderLiveView(view, { columns: 120, rows: 40 }, { color: false }).join('\n');
    assert.match(text, /^run finished: INVALID \(exit code 2\) · report \/tmp\/results\/run-1$/m);
    assert.match(text, /^skipped 3 malformed records \(listed on exit\)$/m);
  });
});

describe('live TUI sparklines and gauges', () => {
  it('scales from zero to the largest value shown: zero is ▁, any positive value at least ▂, the largest █', () => {
    assert.equal(sparkline([0, 1, 50, 100], 10), '▁▂▅█');
    assert.equal(sparkline([0, 0, 0], 10), '▁▁▁');
    assert.equal(sparkline([-5, 10], 10), '▁█');
  });

  it('draws a missing second as a space and shows only the last `width` values', () => {
    assert.equal(sparkline([100, null, 100], 10), '█ █');
    assert.equal(sparkline([1000, 1, 2, 4], 3), '▄▅█', 'scaled to what is shown');
    assert.equal(sparkline([1, 2], 0), '');
  });

  it('fills a gauge to the fraction, clamped to its width', () => {
    assert.equal(gauge(0.5, 10), '█████░░░░░');
    assert.equal(gauge(1.7, 4), '████');
    assert.equal(gauge(-1, 4), '░░░░');
    assert.equal(gauge(Number.NaN, 3), '░░░');
  });
});

describe('styled lines', () => {
  it('cuts a line to the width counting visible characters only, ending in …', () => {
    const line = [span('abc', 'bold'), span('défgh')];
    assert.equal(visibleLength(line), 8);
    const cut = fitLine(line, 5);
    assert.equal(lineText(cut, false), 'abcd…');
    assert.equal(lineText(cut, true), '\u001b[1mabc\u001b[0md…');
    assert.equal(fitLine(line, 8), line);
    assert.deepEqual(fitLine(line, 0), []);
  });
});
