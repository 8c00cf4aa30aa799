import assert from 'node:assert/strict';
import { compareRuns, type Comparison, type ScoreDelta } from '../../../src/report/compare.js';
import { renderCompareText } from '../../../src/report/compare-text.js';
import type { RunJson } from '../../../src/report/run-json-types.js';
import type { ScorecardKey } from '../../../src/scenario/metric-names.js';
import { sampleRunJson, type SampleOptions } from '../../support/sample-run-json.js';

function run(o: SampleOptions = {}, edit: (r: RunJson) => void = () => {}): RunJson {
  const r = sampleRunJson({ runName: 'base', ...o });
  edit(r);
  return r;
}

function compared(...runs: RunJson[]): Comparison {
  const result = compareRuns(runs.map((r) => ({ run: r })));
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.comparison;
}

function delta(c: Comparison, key: ScorecardKey, contender = 0): ScoreDelta {
  const d = c.contenders[contender]!.deltas.find((x) => x.key === key);
  assert.ok(d, `no delta for ${key}`);
  return d;
}

describe('compareRuns', () => {
  describe('deltas', () => {
    it('gives a slower contender positive absolute and percent differences marked worse', () => {
      const c = compared(run(), run({ runName: 'slow', latencyFactor: 1.5 }));
      assert.deepEqual(delta(c, 'baseline_p99_ms'),
        { key: 'baseline_p99_ms', baseline: 120, value: 180, absolute: 60, percent: 50, better: 'worse' });
      assert.deepEqual(delta(c, 'time_to_searchable_p99_ms'),
        { key: 'time_to_searchable_p99_ms', baseline: 5200, value: 7800, absolute: 2600, percent: 50, better: 'worse' });
    });

    it('marks a lower value better, since every scorecard metric is lower-is-better', () => {
      const c = compared(run(), run({ runName: 'fast' }, (r) => {
        r.scorecard.query_error_rate_overlap = 0.001;
        r.scorecard.peak_backlog = 9000;
        r.scorecard.backlog_drain_time_s = 20;
        r.scorecard.recovery_time_s = 3;
        r.scorecard.p99_degradation_ratio = 3;
      }));
      for (const key of ['query_error_rate_overlap', 'peak_backlog', 'backlog_drain_time_s', 'recovery_time_s',
        'p99_degradation_ratio'] as const) {
        assert.equal(delta(c, key).better, 'better', key);
        assert.ok(delta(c, key).absolute! < 0, key);
        assert.ok(delta(c, key).percent! < 0, key);
      }
      assert.equal(delta(c, 'peak_backlog').absolute, -3000);
      assert.equal(delta(c, 'peak_backlog').percent, -25);
    });

    it('says same with zero differences when the values are equal', () => {
      const c = compared(run(), run({ runName: 'twin' }));
      assert.deepEqual(delta(c, 'p99_degradation_ratio'),
        { key: 'p99_degradation_ratio', baseline: 7.5, value: 7.5, absolute: 0, percent: 0, better: 'same' });
    });

    it('drops binary noise from differences (132.00000000000003 − 120 is 12)', () => {
      const c = compared(run(), run({ runName: 'b', latencyFactor: 1.1 }));
      assert.equal(delta(c, 'baseline_p99_ms').absolute, 12);
      assert.equal(delta(c, 'baseline_p99_ms').percent, 10);
    });

    it('leaves absolute, percent and better null when either side has no value', () => {
      const c = compared(run({}, (r) => { r.scorecard.recovery_time_s = null; }),
        run({ runName: 'b' }, (r) => { r.scorecard.backlog_drain_time_s = null; }));
      assert.deepEqual(delta(c, 'recovery_time_s'),
        { key: 'recovery_time_s', baseline: null, value: 7, absolute: null, percent: null, better: null });
      assert.deepEqual(delta(c, 'backlog_drain_time_s'),
        { key: 'backlog_drain_time_s', baseline: 41, value: null, absolute: null, percent: null, better: null });
    });

    it('gives no percent when the baseline is 0, but still the absolute difference and the direction', () => {
      const c = compared(run({}, (r) => { r.scorecard.backlog_drain_time_s = 0; r.scorecard.recovery_time_s = 0; }),
        run({ runName: 'b' }, (r) => { r.scorecard.backlog_drain_time_s = 12; r.scorecard.recovery_time_s = 0; }));
      assert.deepEqual(delta(c, 'backlog_drain_time_s'),
        { key: 'backlog_drain_time_s', baseline: 0, value: 12, absolute: 12, percent: null, better: 'worse' });
      assert.deepEqual(delta(c, 'recovery_time_s'),
        { key: 'recovery_time_s', baseline: 0, value: 0, absolute: 0, percent: null, better: 'same' });
    });

    it('gives every contender one delta per scorecard key, in the baseline\'s display order', () => {
      const order: ScorecardKey[] = ['recovery_time_s', 'peak_backlog'];
      const c = compared(run({}, (r) => { r.scorecard_order = order; }), run({ runName: 'b' }), run({ runName: 'c' }));
      assert.equal(c.contenders.length, 2);
      for (const x of c.contenders) {
        assert.deepEqual(x.deltas.map((d) => d.key), ['recovery_time_s', 'peak_backlog', 'baseline_p99_ms', 'overlap_p99_ms',
          'p99_degradation_ratio', 'query_error_rate_overlap', 'backlog_drain_time_s', 'time_to_searchable_p99_ms']);
      }
    });
  });

  describe('refusals', () => {
    it('refuses a contender of another scenario version, naming both versions', () => {
      const r = compareRuns([{ run: run() }, { run: run({ runName: 'B', scenarioVersion: '1.1.0' }) }]);
      assert.deepEqual(r, { ok: false, reason: 'run B used scenario smoke 1.1.0, the baseline smoke 1.0.0: '
        + 'compare needs the same scenario version' });
    });

    it('refuses a contender of another scenario', () => {
      const r = compareRuns([{ run: run() }, { run: run({ runName: 'B' }, (x) => { x.scenario.name = 'sre-outage'; }) }]);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason,
        'run B used scenario sre-outage 1.0.0, the baseline smoke 1.0.0: compare needs the same scenario and version');
    });

    it('names every mismatching contender on one line', () => {
      const r = compareRuns([{ run: run() }, { run: run({ runName: 'B', scenarioVersion: '2.0.0' }) },
        { run: run({ runName: 'C' }) }, { run: run({ runName: 'D', scenarioVersion: '0.9.0' }) }]);
      assert.equal(r.ok, false);
      const reason = r.ok ? '' : r.reason;
      assert.doesNotMatch(reason, /\n/);
      assert.match(reason, /^run B used scenario smoke 2\.0\.0, .*; run D used scenario smoke 0\.9\.0, /);
      assert.doesNotMatch(reason, /run C/);
    });

    it('refuses fewer than 2 runs', () => {
      assert.deepEqual(compareRuns([{ run: run() }]),
        { ok: false, reason: 'compare needs at least 2 runs (a baseline and a contender), got 1' });
      assert.equal(compareRuns([]).ok, false);
    });
  });

  describe('labels', () => {
    it('labels runs by run name and numbers repeated names #2, #3', () => {
      const c = compared(run({ runName: 'a' }), run({ runName: 'a' }), run({ runName: 'b' }), run({ runName: 'a' }));
      assert.deepEqual([c.baseline.label, ...c.contenders.map((x) => x.run.label)], ['a', 'a #2', 'b', 'a #3']);
    });

    it('uses given labels, still unique, and skips a number already taken', () => {
      const r = compareRuns([{ label: 'x', run: run() }, { label: 'x #2', run: run() }, { label: 'x', run: run() }]);
      assert.ok(r.ok);
      assert.deepEqual([r.comparison.baseline.label, ...r.comparison.contenders.map((x) => x.run.label)],
        ['x', 'x #2', 'x #3']);
    });

    it('keeps each run document with its label', () => {
      const b = run({ runName: 'b', latencyFactor: 2 });
      const c = compared(run(), b);
      assert.equal(c.contenders[0]!.run.run, b);
    });
  });

  describe('notes', () => {
    it('has no notes for two clean runs at the same scale', () => {
      assert.deepEqual(compared(run(), run({ runName: 'b' })).notes, []);
    });

    it('notes, without refusing, that a contender ran at another scale', () => {
      const c = compared(run(), run({ runName: 'B' }, (r) => { r.harness.scaling.rate_scale = 0.5; }));
      assert.equal(c.notes.length, 1);
      assert.match(c.notes[0]!, /^run B ran at rate_scale 0\.5 and duration_scale 1, the baseline at rate_scale 1 and duration_scale 1: /);
    });

    it('notes invalid runs, the baseline included, with their violated rules', () => {
      const c = compared(run({ runName: 'A', valid: false }), run({ runName: 'B' }), run({ runName: 'C', valid: false }));
      assert.deepEqual(c.notes.map((n) => n.split(':')[0]),
        ['the baseline A is invalid (Kafka healthy)', 'run C is invalid (Kafka healthy)']);
    });

    it('notes runs marked not comparable and runs that saturated the harness', () => {
      const c = compared(run(), run({ runName: 'B' }, (r) => {
        r.run.comparable = false;
        r.harness.scaling.duration_scale = 0.1;
        r.run.harness_saturated = true;
        r.run.saturated_workers = [{ worker: 'ingest-0', seconds: [1], longest_run_s: 1, reasons: { cpu: 1 } }];
      }));
      assert.equal(c.notes.length, 3, c.notes.join('\n'));
      assert.match(c.notes[0]!, /^run B ran at rate_scale 1 and duration_scale 0\.1/);
      assert.match(c.notes[1]!, /^run B is marked not comparable \(.*duration_scale 0\.1\)/);
      assert.match(c.notes[2]!, /^run B saturated the harness \(ingest-0\): /);
    });
  });
});

describe('renderCompareText', () => {
  const ANSI = /\x1b\[[0-9;]*m/g;
  const comparison = (): Comparison => compared(run({ runName: 'base' }),
    run({ runName: 'slow', latencyFactor: 1.5 }, (r) => { r.scorecard.recovery_time_s = null; }),
    run({ runName: 'fast', valid: false, latencyFactor: 0.5 }));

  it('shows each metric with the baseline value and each contender\'s value, differences and marker', () => {
    const text = renderCompareText(comparison(), { color: false });
    const line = (label: string) => text.split('\n').find((l) => l.startsWith(label)) ?? '';
    assert.match(line('Baseline p99'), /^Baseline p99 +120 ms +180 ms +\+60\.0 ms +\+50\.0 % +▼ worse +60\.0 ms +−60\.0 ms +−50\.0 % +▲ better$/);
    assert.match(line('p99 degradation'), /7\.50× +7\.50× +0\.00× +0\.0 % += same/);
    assert.match(line('Query errors in overlap'), /0\.33 %/);
  });

  it('shows a missing value as — with no difference or marker', () => {
    const text = renderCompareText(comparison(), { color: false });
    const line = text.split('\n').find((l) => l.startsWith('Recovery time'))!;
    assert.match(line, /^Recovery time +7 s +— +7 s +0 s +0\.0 % += same$/);
  });

  it('lines the columns up: every marker of a contender starts at the same column', () => {
    const lines = renderCompareText(comparison(), { color: false }).split('\n');
    const rows = lines.slice(lines.findIndex((l) => l.startsWith('---')) + 1, lines.indexOf('', 3));
    assert.equal(rows.length, 8);
    assert.equal(rows.join('\n').match(/[▲▼=] (better|worse|same)/g)?.length, 15); // 8 × 2, less one missing value
    const slowMarker = new Set(rows.filter((l) => !l.startsWith('Recovery time')).map((l) => l.search(/[▲▼=] /)));
    const fastMarker = new Set(rows.map((l) => l.search(/[▲▼=] [a-z]+$/)));
    assert.equal(slowMarker.size, 1);
    assert.equal(fastMarker.size, 1);
  });

  it('gives a validity line per run and the notes', () => {
    const text = renderCompareText(comparison(), { color: false });
    assert.match(text, /\n {2}baseline +base +clickhouse +started 2026-11-25 01:45:00 UTC .*valid\n/);
    assert.match(text, /\n {2}contender +fast .*INVALID: Kafka healthy \(31 consecutive Kafka-failed seconds\)\n/);
    assert.match(text, /\nnotes\n {2}- run fast is invalid \(Kafka healthy\)/);
  });

  it('uses colours only when asked, and the same layout with or without them', () => {
    const plain = renderCompareText(comparison(), { color: false });
    const coloured = renderCompareText(comparison(), { color: true });
    assert.doesNotMatch(plain, ANSI);
    assert.match(coloured, /\x1b\[31m\+60\.0 ms\x1b\[0m/);
    assert.match(coloured, /\x1b\[32m▲ better\x1b\[0m/);
    assert.equal(coloured.replace(ANSI, ''), plain);
  });
});
