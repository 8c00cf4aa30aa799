import assert from 'node:assert/strict';
import { lineChart, type LineChartOptions } from '../../../src/report/svg-line-chart.js';

const T0 = 1_795_571_100;

function options(over: Partial<LineChartOptions> = {}): LineChartOptions {
  const seconds = Array.from({ length: 60 }, (_, i) => T0 + i);
  return {
    id: 'test-chart', title: 'Ingest rate', unit: 'events/s', seconds,
    series: [
      { name: 'target', values: seconds.map(() => 1000), dashed: true },
      { name: 'acked', values: seconds.map((_, i) => 900 + i) },
    ],
    bands: [{ name: 'baseline', from: T0, to: T0 + 30 }, { name: 'overlap', from: T0 + 30, to: T0 + 60, highlight: true }],
    ...over,
  };
}

/** The `d` attribute of the path of one series, or null when there is no such path. */
function pathOf(svg: string, series: string): string | null {
  const m = new RegExp(`<path data-series="${series}" d="([^"]*)"`).exec(svg);
  return m === null ? null : m[1]!;
}

/** [x, y] of every point of a path, in order. */
function points(d: string): [number, number][] {
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('svg line chart', () => {
  it('marks the root svg with data-chart and draws one path per series with data-series', () => {
    const svg = lineChart(options());
    assert.match(svg, /^<svg data-chart="test-chart"/);
    assert.ok(svg.endsWith('</svg>'));
    assert.equal(points(pathOf(svg, 'acked')!).length, 60);
    assert.equal(points(pathOf(svg, 'target')!).length, 60);
    assert.match(svg, /<path data-series="target" d="[^"]*" fill="none" stroke="[^"]*" stroke-width="1.6" stroke-dasharray="6 4"/);
  });

  it('maps higher values higher up and later seconds further right', () => {
    const pts = points(pathOf(lineChart(options()), 'acked')!);
    for (let i = 1; i < pts.length; i++) {
      assert.ok(pts[i]![0] > pts[i - 1]![0], `x increases at ${i}`);
      assert.ok(pts[i]![1] < pts[i - 1]![1], `y decreases (goes up) at ${i}`);
    }
  });

  it('breaks the line at null values and draws a lone value as a dot', () => {
    const seconds = [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5, T0 + 6];
    const svg = lineChart(options({ seconds, bands: [], series: [{ name: 'p99', values: [5, 6, null, 7, 8, null, 9] }] }));
    const d = pathOf(svg, 'p99')!;
    assert.equal((d.match(/M/g) ?? []).length, 3, d);
    assert.equal((d.match(/L/g) ?? []).length, 2, d);
    assert.ok(d.endsWith('h0'), `a lone last value is a zero-length segment: ${d}`);
  });

  it('thins a long series per pixel column but keeps its spikes', () => {
    const seconds = Array.from({ length: 20_000 }, (_, i) => T0 + i);
    const values = seconds.map((_, i) => (i === 12_345 ? 5000 : 100 + (i % 7)));
    const long = lineChart(options({ seconds, bands: [], series: [{ name: 'p99', values }] }));
    const pts = points(pathOf(long, 'p99')!);
    assert.ok(pts.length <= 2 * 960, `${pts.length} points`);
    const spikeY = Math.min(...pts.map((p) => p[1]));
    const flat = lineChart(options({ seconds: seconds.slice(0, 10), bands: [], series: [{ name: 'p99', values: [5000, ...values.slice(1, 10)] }] }));
    assert.equal(spikeY, points(pathOf(flat, 'p99')!)[0]![1], 'the spike reaches the same height as drawn unthinned');
  });

  it('omits the path of a series without values and says so in the legend', () => {
    const svg = lineChart(options({ series: [...options().series, { name: 'consumed', values: options().seconds.map(() => null) }] }));
    assert.equal(pathOf(svg, 'consumed'), null);
    assert.match(svg, /consumed \(no data\)/);
  });

  it('renders an explicit "no data" message instead of an empty svg when no series has a value', () => {
    const out = lineChart(options({
      series: [{ name: 'lag', values: options().seconds.map(() => null) }], emptyMessage: 'no consumer lag reading was taken',
    }));
    assert.doesNotMatch(out, /<svg/);
    assert.doesNotMatch(out, /data-chart="/);
    assert.match(out, /data-chart-empty="test-chart"/);
    assert.match(out, /No data: no consumer lag reading was taken/);
    assert.match(out, /Ingest rate/);
  });

  it('draws a shaded band with its name for every phase, the highlighted one tinted differently', () => {
    const svg = lineChart(options());
    const fills = [...svg.matchAll(/<g data-band="([^"]+)"><rect [^>]*fill="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(fills.map((f) => f[0]), ['baseline', 'overlap']);
    assert.notEqual(fills[0]![1], fills[1]![1]);
    assert.match(svg, />baseline<\/text>/);
  });

  it('shortens a band label that does not fit and keeps the full name as tooltip', () => {
    const svg = lineChart(options({ width: 400, bands: [{ name: 'a-very-long-phase-name-indeed', from: T0, to: T0 + 5 }, { name: 'rest', from: T0 + 5, to: T0 + 60 }] }));
    assert.match(svg, /<title>a-very-long-phase-name-indeed<\/title>/);
    assert.doesNotMatch(svg, />a-very-long-phase-name-indeed<\/text>/);
  });

  it('labels the time axis in elapsed m:ss since the origin and the value axis with its unit', () => {
    const svg = lineChart(options());
    for (const label of ['0:00', '0:30', '1:00']) assert.match(svg, new RegExp(`>${label}</text>`));
    assert.match(svg, />events\/s<\/text>/);
    assert.match(svg, />time since start \(m:ss\)<\/text>/);
    const shifted = lineChart(options({ origin: T0 - 30 }));
    assert.match(shifted, />0:30<\/text>/);
    assert.match(shifted, />1:30<\/text>/);
  });

  it('starts a linear value axis at zero for non-negative data (no negative tick)', () => {
    const svg = lineChart(options());
    assert.match(svg, /text-anchor="end" fill="#4b5563">0<\/text>/);
    assert.doesNotMatch(svg, /text-anchor="end" fill="#4b5563">[−-]/);
  });

  it('on a log axis skips values ≤ 0, ticks at powers of ten and says "log scale"', () => {
    const seconds = [T0, T0 + 1, T0 + 2, T0 + 3];
    const svg = lineChart(options({ seconds, bands: [], log: true, unit: 'ms', series: [{ name: 'p99', values: [0, 12, 950, 4000] }] }));
    assert.equal(points(pathOf(svg, 'p99')!).length, 3);
    assert.match(svg, />ms \(log scale\)</);
    for (const tick of ['10', '100', '1k', '10k']) assert.match(svg, new RegExp(`>${tick}</text>`));
  });

  it('escapes names, titles and units supplied by users', () => {
    const svg = lineChart(options({
      title: 'x <script>alert(1)</script>', unit: '<b>u</b>',
      series: [{ name: '"><script>alert(2)</script>', values: options().seconds.map(() => 3) }],
      bands: [{ name: '<img src=x onerror=alert(3)>', from: T0, to: T0 + 60 }],
    }));
    assert.doesNotMatch(svg, /<script|<img|<b>/);
    assert.match(svg, /data-series="&quot;&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;"/);
    assert.match(svg, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('gives the same bytes for the same input and contains no generated id or external reference', () => {
    const a = lineChart(options());
    const b = lineChart(structuredClone(options()));
    assert.equal(a, b);
    assert.doesNotMatch(a, /https?:|url\(|xlink|href/);
  });
});
