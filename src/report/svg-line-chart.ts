// Inline SVG time-series chart: named series over unix (or relative) seconds with gaps, phase bands behind,
// axes with ticks and unit, legend. Pure and stable (same input → same bytes); must not smooth or fetch data.

import { html, joinHtml, type SafeHtml } from './html-escape.js';
import { formatElapsed } from './display-number.js';
import { extent, linearAxis, logAxis, timeTicks, type ValueAxis } from './chart-axis.js';
import {
  baseLine, chartTitle, fitText, legend, noDataBlock, PALETTE, px, svgRoot, valueGrid, type LegendItem, type PlotArea,
} from './svg-chart-frame.js';

export interface LineSeries {
  name: string;
  /** One value per entry of `seconds`; null = no value (a gap in the line). */
  values: readonly (number | null)[];
  /** Drawn dashed (targets, reference lines). */
  dashed?: boolean;
  /** A CSS colour; default: the next palette colour. */
  color?: string;
}

export interface PhaseBand {
  name: string;
  /** First second of the band (same unit as `seconds`). */
  from: number;
  /** End of the band, exclusive. */
  to: number;
  /** Tinted more strongly (e.g. the overlap phase). */
  highlight?: boolean;
}

export interface LineChartOptions {
  /** Unique within the document, [a-z0-9-]: set as `data-chart` on the root `<svg>`. */
  id: string;
  title: string;
  /** Unit of the value axis, e.g. "events/s", "ms". */
  unit: string;
  series: readonly LineSeries[];
  /** The second each value belongs to (a value covers [s, s + 1) and is drawn at its middle), ascending. */
  seconds: readonly number[];
  bands: readonly PhaseBand[];
  /** Time labels show seconds since this origin (default: the first second shown). */
  origin?: number;
  /** Title of the time axis; default "time since start (m:ss)". */
  timeLabel?: string;
  /** Base-10 log value axis; values ≤ 0 are not drawn. */
  log?: boolean;
  width?: number;
  height?: number;
  /** Shown instead of the chart when no series has a value; default "no value was recorded for this chart". */
  emptyMessage?: string;
}

const MARGIN = { left: 66, right: 18, bottom: 46 };

/**
 * The chart as markup: a root `<svg data-chart="<id>">` with one `<path data-series="<name>">` per series that has
 * a value, or — when no series has any value — a `<figure data-chart-empty="<id>">` saying so.
 */
export function lineChart(opts: LineChartOptions): string {
  const width = opts.width ?? 960;
  const height = opts.height ?? 320;
  const drawable = (v: number | null): v is number => v !== null && Number.isFinite(v) && (!opts.log || v > 0);
  const all = opts.series.flatMap((s) => s.values.filter(drawable));
  if (all.length === 0 || opts.seconds.length === 0) {
    return noDataBlock(opts.id, opts.title, opts.emptyMessage ?? 'no value was recorded for this chart');
  }

  let paletteIndex = 0;
  const colored = opts.series.map((s) => ({ ...s, color: s.color ?? PALETTE[paletteIndex++ % PALETTE.length]! }));
  const items: LegendItem[] = colored.map((s) => ({
    name: s.name, color: s.color, dashed: s.dashed === true, swatch: 'line', empty: !s.values.some(drawable),
  }));
  const lg = legend(items, MARGIN.left, 42, width - MARGIN.left - MARGIN.right);
  const top = 42 + lg.height + (opts.bands.length > 0 ? 22 : 6); // phase names sit in a strip above the plot
  const area: PlotArea = { left: MARGIN.left, top, width: width - MARGIN.left - MARGIN.right, height: height - top - MARGIN.bottom };

  const range = extent(all);
  const axis: ValueAxis = opts.log ? logAxis(range.min, range.max) : linearAxis(range.min, range.max);
  const xFrom = Math.min(opts.seconds[0]!, ...opts.bands.map((b) => b.from));
  const xTo = Math.max(opts.seconds[opts.seconds.length - 1]! + 1, ...opts.bands.map((b) => b.to));
  const xOf = (t: number): number => area.left + ((t - xFrom) / (xTo - xFrom)) * area.width;
  const yOf = (v: number): number => area.top + area.height * (1 - axis.fraction(v)!);

  // Reference (dashed) lines are drawn last, so a series that meets its target does not hide it.
  const drawOrder = [...colored.filter((s) => !s.dashed), ...colored.filter((s) => s.dashed)];
  const paths = drawOrder.map((s) => {
    const d = pathData(s.values, opts.seconds, drawable, xOf, yOf, area.width);
    if (d === '') return '';
    return html`<path data-series="${s.name}" d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.dashed ? 1.6 : 2}"${
      s.dashed ? html` stroke-dasharray="6 4"` : ''} stroke-linejoin="round" stroke-linecap="round"><title>${s.name}</title></path>`;
  });

  const body = joinHtml([
    chartTitle(opts.title, MARGIN.left - 52),
    lg.markup,
    phaseBands(opts.bands, area, xOf),
    valueGrid(axis, area, opts.unit),
    html`<g class="series">${paths}</g>`,
    baseLine(area),
    timeAxis(xFrom, xTo, opts.origin ?? xFrom, area, xOf, opts.timeLabel ?? 'time since start (m:ss)'),
  ]);
  return svgRoot(opts.id, opts.title, width, height, body);
}

/** A point of a series in pixels; y null = no value (a gap). */
interface Pt {
  x: number;
  y: number | null;
}

/**
 * SVG path data: a new subpath after every gap; a lone value becomes a dot (zero-length segment, round cap).
 * Series with more points than twice the plot width are thinned per pixel column to their lowest and highest
 * point, so spikes survive and long runs stay small.
 */
function pathData(
  values: readonly (number | null)[], seconds: readonly number[], drawable: (v: number | null) => v is number,
  xOf: (t: number) => number, yOf: (v: number) => number, plotWidth: number,
): string {
  const n = Math.min(values.length, seconds.length);
  let pts: Pt[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    pts.push({ x: xOf(seconds[i]! + 0.5), y: drawable(v) ? yOf(v) : null });
  }
  if (pts.length > 2 * plotWidth) pts = thinPerColumn(pts);
  const out: string[] = [];
  let open = false;
  let pending = false; // the current subpath has only its first point
  for (const p of pts) {
    if (p.y === null) {
      if (pending) out.push('h0');
      open = false;
      pending = false;
      continue;
    }
    const point = `${px(p.x)} ${px(p.y)}`;
    out.push(open ? `L${point}` : `M${point}`);
    pending = !open;
    open = true;
  }
  if (pending) out.push('h0');
  return out.join('');
}

/** Per whole-pixel column: its extreme points in their original order, or a gap when the column has no value. */
function thinPerColumn(pts: readonly Pt[]): Pt[] {
  const out: Pt[] = [];
  let i = 0;
  while (i < pts.length) {
    const column = Math.floor(pts[i]!.x);
    let lo: Pt | null = null;
    let hi: Pt | null = null;
    let loAt = -1;
    let hiAt = -1;
    let j = i;
    for (; j < pts.length && Math.floor(pts[j]!.x) === column; j++) {
      const p = pts[j]!;
      if (p.y === null) continue;
      if (lo === null || p.y < lo.y!) [lo, loAt] = [p, j];
      if (hi === null || p.y > hi.y!) [hi, hiAt] = [p, j];
    }
    if (lo === null || hi === null) out.push({ x: column, y: null });
    else if (loAt === hiAt) out.push(lo);
    else out.push(...(loAt < hiAt ? [lo, hi] : [hi, lo]));
    i = j;
  }
  return out;
}

function phaseBands(bands: readonly PhaseBand[], area: PlotArea, xOf: (t: number) => number): SafeHtml {
  const parts = bands.map((b, i) => {
    const x0 = xOf(b.from);
    const x1 = xOf(b.to);
    const fill = b.highlight ? '#fdecd3' : i % 2 === 0 ? '#eef2f6' : '#f8fafc';
    const label = fitText(b.name, x1 - x0 - 6, 11);
    const boundary = i === 0 ? ''
      : html`<line x1="${px(x0)}" y1="${px(area.top)}" x2="${px(x0)}" y2="${px(area.top + area.height)}"
 stroke="#cbd5e1" stroke-width="1" stroke-dasharray="3 3"/>`;
    const text = label === null ? ''
      : html`<text x="${px((x0 + x1) / 2)}" y="${px(area.top - 6)}" font-size="11" text-anchor="middle" fill="#475569">${label}</text>`;
    const rect = html`<rect x="${px(x0)}" y="${px(area.top)}" width="${px(Math.max(0, x1 - x0))}" height="${px(area.height)}"
 fill="${fill}"><title>${b.name}</title></rect>`;
    return html`<g data-band="${b.name}">${rect}${boundary}${text}</g>`;
  });
  return html`<g class="bands">${parts}</g>`;
}

function timeAxis(
  from: number, to: number, origin: number, area: PlotArea, xOf: (t: number) => number, label: string,
): SafeHtml {
  const y = area.top + area.height;
  const ticks = timeTicks(from, to, origin, Math.max(4, Math.floor(area.width / 90)));
  const parts = ticks.map((t) => joinHtml([
    html`<line x1="${px(xOf(t))}" y1="${px(y)}" x2="${px(xOf(t))}" y2="${px(y + 5)}" stroke="#9ca3af"/>`,
    html`<text x="${px(xOf(t))}" y="${px(y + 18)}" font-size="11" text-anchor="middle" fill="#4b5563">${formatElapsed(t - origin)}</text>`,
  ]));
  const title = html`<text x="${px(area.left + area.width / 2)}" y="${px(y + 38)}" font-size="11" text-anchor="middle" fill="#4b5563">${label}</text>`;
  return html`${parts}${title}`;
}
