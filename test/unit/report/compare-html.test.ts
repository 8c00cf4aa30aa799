import assert from 'node:assert/strict';
import { renderCompareHtml } from '../../../src/report/compare-html.js';
import { compareRuns, type Comparison } from '../../../src/report/compare.js';
import type { RunJson } from '../../../src/report/run-json-types.js';
import { sampleRunJson } from '../../support/sample-run-json.js';

function comparison(runs: RunJson[]): Comparison {
  const r = compareRuns(runs.map((run) => ({ run })));
  if (!r.ok) throw new Error(r.reason);
  return r.comparison;
}

/** The table row of one scorecard metric. */
function rowOf(doc: string, label: string): string {
  const row = doc.split('<tr>').find((r) => r.includes(`>${label}</span></td>`));
  assert.ok(row !== undefined, `row ${label}`);
  return row;
}

describe('HTML comparison', () => {
  const slower = (): Comparison => comparison([sampleRunJson(), sampleRunJson({ latencyFactor: 1.3, runName: 'contender-a' })]);

  it('lists the runs with their verdicts, the baseline first', () => {
    const doc = renderCompareHtml(comparison([sampleRunJson(), sampleRunJson({ runName: 'b', valid: false })]));
    const runs = doc.slice(doc.indexOf('id="runs"'), doc.indexOf('</section>', doc.indexOf('id="runs"')));
    assert.ok(runs.indexOf('local-20261127-100000') < runs.indexOf('>b<'));
    assert.match(runs, /data-verdict="VALID"[^]*data-verdict="INVALID"/);
  });

  it('puts the scorecard side by side with absolute and % differences, coloured better or worse', () => {
    const doc = renderCompareHtml(slower());
    const row = rowOf(doc, 'Overlap p99');
    assert.match(row, /900<span class="unit">\u00a0ms<\/span>/);
    assert.match(row, /1\u202f170<span class="unit">\u00a0ms<\/span>/);
    assert.match(row, /<span class="worse">\+270 ms<\/span>/);
    assert.match(row, /<span class="worse">\+30\.0 %<\/span> <span class="worse" data-better="worse">▲ worse<\/span>/);
    const faster = renderCompareHtml(comparison([sampleRunJson(), sampleRunJson({ latencyFactor: 0.5, runName: 'fast' })]));
    assert.match(rowOf(faster, 'Baseline p99'), /<span class="better">−60\.0 ms<\/span>/);
    assert.match(rowOf(faster, 'Baseline p99'), /data-better="better">▼ better/);
    assert.match(rowOf(doc, 'Peak backlog'), /data-better="same">= same/);
  });

  it('shows a metric without value as "—" with the tooltip "no value"', () => {
    const contender = sampleRunJson({ runName: 'c' });
    contender.scorecard.recovery_time_s = null;
    const row = rowOf(renderCompareHtml(comparison([sampleRunJson(), contender])), 'Recovery time');
    assert.equal((row.match(/<span class="nv" title="no value">—<\/span>/g) ?? []).length, 3);
  });

  it('shows one column group per contender and the notes of the comparison', () => {
    const c = comparison([sampleRunJson(), sampleRunJson({ runName: 'x' }), sampleRunJson({ runName: 'y', valid: false })]);
    const doc = renderCompareHtml(c);
    assert.match(doc, /<th colspan="3">x<\/th><th colspan="3">y<\/th>/);
    assert.ok(c.notes.length > 0);
    for (const n of c.notes) assert.ok(doc.includes(n.replaceAll('&', '&amp;')), n);
  });

  it('overlays the runs on timelines of query p99, acked EPS and lag over seconds since each run\u2019s start', () => {
    const late = sampleRunJson({ runName: 'late', latencyFactor: 2 });
    // Started an hour later: still overlaid from 0:00.
    for (const row of late.timeseries.points) row[0] += 3600;
    for (const p of late.phases) p.start_second += 3600;
    const doc = renderCompareHtml(comparison([sampleRunJson(), late]));
    for (const id of ['compare-query-p99', 'compare-acked-eps', 'compare-lag']) {
      const svg = doc.slice(doc.indexOf(`<svg data-chart="${id}"`), doc.indexOf('</svg>', doc.indexOf(`<svg data-chart="${id}"`)));
      assert.ok(svg.length > 0, id);
      assert.match(svg, /data-series="local-20261127-100000 \(baseline\)"/);
      assert.match(svg, /data-series="late"/);
      assert.match(svg, />3:00<\/text>/);
      assert.doesNotMatch(svg, />1:00:00<\/text>/);
    }
  });

  it('escapes run labels and titles', () => {
    const doc = renderCompareHtml(comparison([
      sampleRunJson({ hostileTitle: '<img src=x onerror=alert(1)>' }), sampleRunJson({ runName: '<script>alert(1)</script>' }),
    ]));
    assert.doesNotMatch(doc, /<script|<img/);
    assert.ok(doc.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('says when every run is query-only instead of drawing ingest timelines', () => {
    const qo = (name: string): RunJson => {
      const run = sampleRunJson({ runName: name });
      for (const p of run.phases) p.ingest = null;
      run.streams = {};
      return run;
    };
    const doc = renderCompareHtml(comparison([qo('a'), qo('b')]));
    assert.match(doc, /data-note="query-only"/);
    assert.doesNotMatch(doc, /compare-acked-eps|compare-lag/);
    assert.match(doc, /<svg data-chart="compare-query-p99"/);
  });

  it('gives the same bytes for the same comparison', () => {
    assert.equal(renderCompareHtml(slower()), renderCompareHtml(slower()));
  });
});
