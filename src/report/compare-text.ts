// The terminal rendering of a Comparison (SPEC §13 `compare`): side-by-side scorecard with differences and
// better/worse markers, a validity line per run, and the notes. Must not decide anything the Comparison does not say.

import type { ComparedRun, Comparison, ScoreDelta } from './compare.js';
import { formatFixed, formatInstant, formatSigned, NO_VALUE } from './display-number.js';
import { SCORECARD_DISPLAY, type ScorecardDisplay } from './scorecard-display.js';

export interface CompareTextOptions {
  /** ANSI colours (only on a TTY, SPEC §14). */
  color: boolean;
}

const MARKER: Readonly<Record<NonNullable<ScoreDelta['better']>, string>> = {
  better: '▲ better', worse: '▼ worse', same: '= same',
};

type Style = 'bold' | 'green' | 'red' | 'yellow';
const SGR: Readonly<Record<Style, string>> = { bold: '1', green: '32', red: '31', yellow: '33' };

interface Cell {
  text: string;
  style?: Style;
  align?: 'left' | 'right';
}
/** A row of cells, or a separator line under the header. */
type Row = Cell[] | 'rule';

export function renderCompareText(c: Comparison, opts: CompareTextOptions): string {
  const paint = (text: string, style: Style | undefined): string =>
    opts.color && style !== undefined && text !== '' ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text;
  const s = c.baseline.run.scenario;
  const out: string[] = [];
  out.push(paint(`${s.name} ${s.version} (${s.display_name}): baseline ${c.baseline.label} vs `
    + `${c.contenders.map((x) => x.run.label).join(', ')}`, 'bold'));
  out.push('lower is better for every metric; ▲ better, ▼ worse than the baseline');
  out.push('');
  out.push(...table(scorecardRows(c), paint));
  out.push('');
  out.push(paint('runs', 'bold'));
  out.push(...table(runRows(c), paint).map((line) => `  ${line}`));
  if (c.notes.length > 0) {
    out.push('');
    out.push(paint('notes', 'bold'));
    for (const note of c.notes) out.push(`  - ${paint(note, 'yellow')}`);
  }
  return `${out.join('\n')}\n`;
}

function scorecardRows(c: Comparison): Row[] {
  const header: Cell[] = [
    { text: 'metric', style: 'bold' },
    { text: c.baseline.label, style: 'bold', align: 'right' },
    ...c.contenders.flatMap((x): Cell[] => [
      { text: x.run.label, style: 'bold', align: 'right' },
      { text: 'Δ', style: 'bold', align: 'right' },
      { text: 'Δ %', style: 'bold', align: 'right' },
      { text: '' },
    ]),
  ];
  // Every contender has one delta per key, in the same order (compareRuns builds them so).
  const keys = c.contenders[0]?.deltas.map((d) => d.key) ?? [];
  const rows = keys.map((key, i): Cell[] => {
    const show = SCORECARD_DISPLAY[key];
    const baseline = c.contenders[0]!.deltas[i]!.baseline;
    return [
      { text: show.label },
      { text: valueText(baseline, show), align: 'right' },
      ...c.contenders.flatMap((x) => deltaCells(x.deltas[i]!, show)),
    ];
  });
  return [header, 'rule', ...rows];
}

/** A value with its unit, as compare.html shows it ("120 ms", "7.50×", "12 000 events"), or — without one. */
function valueText(v: number | null, show: ScorecardDisplay): string {
  if (v === null) return NO_VALUE;
  return show.unit === '' ? show.format(v) : `${show.format(v)} ${show.unit}`;
}

function deltaCells(d: ScoreDelta, show: ScorecardDisplay): Cell[] {
  const value: Cell = { text: valueText(d.value, show), align: 'right' };
  if (d.better === null || d.absolute === null) return [value, { text: '' }, { text: '' }, { text: '' }];
  const style: Style | undefined = d.better === 'better' ? 'green' : d.better === 'worse' ? 'red' : undefined;
  return [
    value,
    { text: show.formatDelta(d.absolute), style, align: 'right' },
    { text: d.percent === null ? NO_VALUE : `${formatSigned(d.percent, (p) => formatFixed(p, 1))} %`, style, align: 'right' },
    { text: MARKER[d.better], style },
  ];
}

function runRows(c: Comparison): Row[] {
  const row = (role: string, r: ComparedRun): Cell[] => {
    const run = r.run.run;
    const scaling = r.run.harness.scaling;
    return [
      { text: role },
      { text: r.label, style: 'bold' },
      { text: r.run.target.adapter ?? 'no target' },
      { text: `started ${formatInstant(run.started_at)}` },
      { text: `scale rate × ${scaling.rate_scale}, duration × ${scaling.duration_scale}` },
      run.valid
        ? { text: run.comparable ? 'valid' : 'valid, not comparable', style: run.comparable ? 'green' : 'yellow' }
        : { text: `INVALID: ${run.validity_violations.map((v) => `${v.name} (${v.message})`).join('; ')}`, style: 'red' },
    ];
  };
  return [row('baseline', c.baseline), ...c.contenders.map((x) => row('contender', x.run))];
}

/** Rows as aligned lines: widths from the plain text, colour added after padding so escapes never shift columns. */
function table(rows: Row[], paint: (text: string, style: Style | undefined) => string): string[] {
  const cells = rows.filter((r): r is Cell[] => r !== 'rule');
  const columns = Math.max(0, ...cells.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(0, ...cells.map((r) => width(r[i]?.text ?? ''))));
  return rows.map((r) => {
    if (r === 'rule') return widths.map((w) => '-'.repeat(w)).join('  ').trimEnd();
    return r.map((cell, i) => {
      const pad = ' '.repeat(widths[i]! - width(cell.text));
      return cell.align === 'right' ? pad + paint(cell.text, cell.style) : paint(cell.text, cell.style) + pad;
    }).join('  ').trimEnd();
  });
}

/** Terminal columns of a text: one per code point (the table holds no wide or combining characters). */
function width(text: string): number {
  return [...text].length;
}
