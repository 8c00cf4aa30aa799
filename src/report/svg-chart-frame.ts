// The frame every SVG chart of the reports shares: palette, title, legend layout, value-axis grid, the
// "no data" block and coordinate formatting. Must not know what the plotted data means.

import { html, joinHtml, type SafeHtml } from './html-escape.js';
import { formatTick } from './display-number.js';
import type { ValueAxis } from './chart-axis.js';

/** Series colours in order: distinguishable for common colour-vision deficiencies, readable on white. */
export const PALETTE = ['#2563eb', '#e8590c', '#15803d', '#9333ea', '#c81e1e', '#0e7490', '#a16207', '#db2777'] as const;
/** Colour for reference lines such as targets. */
export const REFERENCE_COLOR = '#6b7280';

/** Local system fonts only: the report loads nothing. */
const FONT_RAW = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const INK = '#1f2937';
const MUTED = '#4b5563';
const GRID = '#e5e7eb';

/** Rounds a coordinate to 0.1 px so output is compact and stable. */
export function px(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Rough width of a label in px at a font size (average glyph ≈ 0.58 em): enough to lay out legends and labels. */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.58;
}

/** The text cut with "…" to fit `width` px, or null when not even three characters fit. */
export function fitText(text: string, width: number, fontSize: number): string | null {
  if (textWidth(text, fontSize) <= width) return text;
  const chars = [...text];
  const n = Math.floor(width / (fontSize * 0.58)) - 1;
  return n >= 3 ? `${chars.slice(0, n).join('')}…` : null;
}

export interface LegendItem {
  name: string;
  color: string;
  dashed: boolean;
  /** Drawn as a filled square (bars) instead of a line (series). */
  swatch: 'line' | 'box';
  /** The series has no value to draw: shown faded with "(no data)". */
  empty: boolean;
}

/** Legend items laid out in rows from (x, y) within `width`; returns the markup and the height used. */
export function legend(items: readonly LegendItem[], x: number, y: number, width: number): { markup: SafeHtml; height: number } {
  const rowHeight = 18;
  const parts: SafeHtml[] = [];
  let cx = x;
  let row = 0;
  for (const item of items) {
    const label = item.empty ? `${item.name} (no data)` : item.name;
    const w = 22 + textWidth(label, 12) + 18;
    if (cx > x && cx + w > x + width) {
      cx = x;
      row++;
    }
    const cy = y + row * rowHeight;
    const opacity = item.empty ? html` opacity="0.45"` : '';
    const swatch = item.swatch === 'box'
      ? html`<rect x="${px(cx)}" y="${px(cy - 5)}" width="12" height="10" rx="2" fill="${item.color}"/>`
      : html`<line x1="${px(cx)}" y1="${px(cy)}" x2="${px(cx + 16)}" y2="${px(cy)}" stroke="${item.color}" stroke-width="2.5"${
        item.dashed ? html` stroke-dasharray="5 3"` : ''} stroke-linecap="round"/>`;
    parts.push(html`<g data-legend="${item.name}"${opacity}>${swatch}<text x="${px(cx + 22)}" y="${px(cy + 4)}" font-size="12" fill="${INK}">${label}</text></g>`);
    cx += w;
  }
  return { markup: html`<g class="legend">${parts}</g>`, height: items.length === 0 ? 0 : (row + 1) * rowHeight };
}

/** Chart title at the top left. */
export function chartTitle(title: string, x: number): SafeHtml {
  return html`<text x="${px(x)}" y="18" font-size="14" font-weight="600" fill="${INK}">${title}</text>`;
}

export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Horizontal grid lines with tick labels on the left, and the unit as a rotated axis title. */
export function valueGrid(axis: ValueAxis, area: PlotArea, unit: string): SafeHtml {
  const parts: SafeHtml[] = [];
  for (const t of axis.ticks) {
    const f = axis.fraction(t);
    if (f === null || f < -1e-9 || f > 1 + 1e-9) continue;
    const y = area.top + area.height * (1 - f);
    const label = axis.log ? formatTick(t, t / 10) : formatTick(t, axis.step);
    parts.push(html`<line x1="${px(area.left)}" y1="${px(y)}" x2="${px(area.left + area.width)}" y2="${px(y)}" stroke="${GRID}" stroke-width="1"/>`);
    parts.push(html`<text x="${px(area.left - 8)}" y="${px(y + 4)}" font-size="11" text-anchor="end" fill="${MUTED}">${label}</text>`);
  }
  const midY = area.top + area.height / 2;
  const unitText = axis.log ? `${unit} (log scale)` : unit;
  parts.push(html`<text transform="translate(14 ${px(midY)}) rotate(-90)" font-size="11" text-anchor="middle" fill="${MUTED}">${unitText}</text>`);
  return joinHtml(parts);
}

/** The bottom axis line of the plot. */
export function baseLine(area: PlotArea): SafeHtml {
  const y = area.top + area.height;
  return html`<line x1="${px(area.left)}" y1="${px(y)}" x2="${px(area.left + area.width)}" y2="${px(y)}" stroke="#9ca3af" stroke-width="1"/>`;
}

/** The root element of a chart with data: `data-chart` marks it for tests and readers. */
export function svgRoot(id: string, title: string, width: number, height: number, body: SafeHtml): string {
  return html`<svg data-chart="${id}" class="chart" role="img" aria-label="${title}" width="${width}" height="${height}"
 viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto" font-family="${FONT_RAW}"><title>${title}</title>${body}</svg>`
    .markup;
}

/** What a chart with nothing to draw shows instead of an empty plot: its title and an explicit message. */
export function noDataBlock(id: string, title: string, message: string): string {
  const box = `margin:0;padding:18px 20px;border:1px dashed #cbd5e1;border-radius:8px;background:#f8fafc;color:${MUTED};font-family:${FONT_RAW}`;
  const caption = html`<figcaption style="font-weight:600;color:${INK};margin-bottom:6px">${title}</figcaption>`;
  return html`<figure class="chart-empty" data-chart-empty="${id}" style="${box}">${caption}<p style="margin:0">No data: ${message}</p></figure>`
    .markup;
}
