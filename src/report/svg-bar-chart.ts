// Inline SVG grouped bar chart: one group per category (a phase, a query group), one bar per series, linear or
// log value axis, legend. Pure and stable (same input → same bytes); must not compute statistics.

import { html, joinHtml, type SafeHtml } from './html-escape.js';
import { formatTick, NO_VALUE } from './display-number.js';
import { extent, linearAxis, logAxis, type ValueAxis } from './chart-axis.js';
import {
  baseLine, chartTitle, fitText, legend, noDataBlock, PALETTE, px, svgRoot, valueGrid, type LegendItem,
  type PlotArea,
} from './svg-chart-frame.js';

export interface BarSeries {
  name: string;
  /** One value per category; null = no value (no bar, a "—" at the base). */
  values: readonly (number | null)[];
  /** A CSS colour; default: the next palette colour. */
  color?: string;
}

export interface BarChartOptions {
  /** Unique within the document, [a-z0-9-]: set as `data-chart` on the root `<svg>`. */
  id: string;
  title: string;
  unit: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  /** Base-10 log value axis (latency distributions spanning decades); values ≤ 0 are not drawn. */
  log?: boolean;
  width?: number;
  height?: number;
  /** Shown instead of the chart when no bar has a value. */
  emptyMessage?: string;
}

const MARGIN = { left: 66, right: 18, bottom: 40 };

/**
 * The chart as markup: a root `<svg data-chart="<id>">` with one `<path data-series="<name>">` per series holding
 * all its bars, or — when there is no value at all — a `<figure data-chart-empty="<id>">` saying so.
 */
export function groupedBarChart(opts: BarChartOptions): string {
  const width = opts.width ?? 960;
  const height = opts.height ?? 320;
  const drawable = (v: number | null | undefined): v is number =>
    v !== null && v !== undefined && Number.isFinite(v) && (!opts.log || v > 0);
  const all = opts.series.flatMap((s) => s.values.filter(drawable));
  if (all.length === 0 || opts.categories.length === 0) {
    return noDataBlock(opts.id, opts.title, opts.emptyMessage ?? 'no value was recorded for this chart');
  }

  let paletteIndex = 0;
  const colored = opts.series.map((s) => ({ ...s, color: s.color ?? PALETTE[paletteIndex++ % PALETTE.length]! }));
  const items: LegendItem[] = colored.map((s) => ({
    name: s.name, color: s.color, dashed: false, swatch: 'box', empty: !s.values.some(drawable),
  }));
  const lg = legend(items, MARGIN.left, 42, width - MARGIN.left - MARGIN.right);
  const top = 42 + lg.height + 10;
  const area: PlotArea = { left: MARGIN.left, top, width: width - MARGIN.left - MARGIN.right, height: height - top - MARGIN.bottom };
  const range = extent(all);
  const axis: ValueAxis = opts.log ? logAxis(range.min, range.max) : linearAxis(range.min, range.max);
  const baseY = area.top + area.height * (1 - (axis.log ? 0 : axis.fraction(0)!));

  const slot = area.width / opts.categories.length;
  const barWidth = Math.min(64, (slot * 0.78) / Math.max(1, colored.length));
  const groupWidth = barWidth * colored.length;
  const showValues = barWidth >= 34;
  const xOfBar = (c: number, s: number): number => area.left + c * slot + (slot - groupWidth) / 2 + s * barWidth;

  const paths: SafeHtml[] = [];
  const marks: SafeHtml[] = [];
  colored.forEach((s, si) => {
    const d: string[] = [];
    opts.categories.forEach((_, ci) => {
      const v = s.values[ci];
      const x0 = xOfBar(ci, si) + 0.5;
      const x1 = x0 + barWidth - 1.5;
      if (!drawable(v)) {
        if (barWidth >= 8) {
          const tip = html`<title>${s.name}: no value</title>`;
          marks.push(html`<text x="${px((x0 + x1) / 2)}" y="${px(baseY - 4)}" font-size="11" text-anchor="middle" fill="#94a3b8">${tip}${NO_VALUE}</text>`);
        }
        return;
      }
      const yTop = Math.min(baseY - 1, area.top + area.height * (1 - axis.fraction(v)!));
      d.push(`M${px(x0)} ${px(baseY)}V${px(yTop)}H${px(x1)}V${px(baseY)}Z`);
      if (showValues) {
        marks.push(html`<text x="${px((x0 + x1) / 2)}" y="${px(yTop - 5)}" font-size="11" text-anchor="middle" fill="#374151">${formatTick(v, valueStep(v))}</text>`);
      }
    });
    if (d.length > 0) {
      paths.push(html`<path data-series="${s.name}" d="${d.join('')}" fill="${s.color}"><title>${s.name}</title></path>`);
    }
  });

  const labels = opts.categories.map((c, ci) => {
    const text = fitText(c, slot - 6, 12) ?? '';
    const cx = area.left + ci * slot + slot / 2;
    return html`<text x="${px(cx)}" y="${px(area.top + area.height + 18)}" font-size="12" text-anchor="middle" fill="#374151"><title>${c}</title>${text}</text>`;
  });

  const body = joinHtml([
    chartTitle(opts.title, MARGIN.left - 52),
    lg.markup,
    valueGrid(axis, area, opts.unit),
    html`<g class="series">${paths}</g>`,
    html`<g class="marks">${marks}</g>`,
    baseLine(area),
    html`<g class="categories">${labels}</g>`,
  ]);
  return svgRoot(opts.id, opts.title, width, height, body);
}

/** Label precision for a bar value: about three significant digits. */
function valueStep(v: number): number {
  const a = Math.abs(v);
  return a === 0 ? 1 : 10 ** (Math.floor(Math.log10(a)) - 2);
}
