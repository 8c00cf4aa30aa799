// Renders the --live TUI's view model into the lines of one screen for a terminal of a given size (SPEC §14):
// phase bar with countdown, EPS gauge, lag, queries, 60 s sparklines, workers, stage. Pure: must not write to the
// terminal, read the clock or keep state; every line fits the width and the lines fit the height.

import type { LivePoint, RunStage } from '../../stream-agg/live-types.js';
import {
  completedSeconds, formatClock, formatCount, formatMs, formatPercent, formatRate, formatReadiness, formatRecovered, NONE,
  printable,
} from '../live-line.js';
import { gauge, sparkline } from './bars.js';
import { recentSeries, SPARK_WINDOW_S, type LiveView } from './live-view.js';
import { fitLine, lineText, span, type Span, type SpanStyle, type StyledLine } from './styled-line.js';

export interface ScreenSize {
  columns: number;
  rows: number;
}

export interface RenderOptions {
  /** ANSI colours (only when stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
}

/** Smallest screen the dashboard is drawn on; below it one line says so. */
export const MIN_COLUMNS = 30;
export const MIN_ROWS = 3;

const LABEL = 10;
/** Width of the indented labels of gauges and sparklines. */
const SUB_LABEL = 12;

/** A line and how readily it is dropped when the screen is short (0 = kept longest). */
interface Row {
  line: StyledLine;
  priority: number;
}

/** The screen's lines, top to bottom; at most `rows` lines, each at most `columns` visible characters. */
export function renderLiveView(view: LiveView, size: ScreenSize, opts: RenderOptions): string[] {
  const columns = Math.floor(size.columns);
  const rows = Math.floor(size.rows);
  if (!(columns >= MIN_COLUMNS) || !(rows >= MIN_ROWS)) {
    const msg = `too small (${Number.isFinite(columns) ? columns : 0}x${Number.isFinite(rows) ? rows : 0})`;
    return rows >= 1 && columns >= 1 ? [lineText(fitLine([span(msg)], columns), opts.color)] : [];
  }
  const out = fitRows(layout(view, columns), rows);
  return out.map((r) => lineText(fitLine(r.line, columns), opts.color));
}

function layout(view: LiveView, columns: number): Row[] {
  const rows: Row[] = [];
  const add = (priority: number, ...spans: Span[]) => rows.push({ line: spans, priority });
  const blank = () => add(5);

  add(0, ...titleSpans(view));
  const p = view.latest;
  if (p === null) {
    const waiting = view.state?.reason !== undefined && view.state.reason !== '' ? `waiting: ${printable(view.state.reason)}`
      : 'waiting for the first second of the timeline…';
    add(0, span(waiting, 'dim'));
  } else {
    rows.push({ line: phaseSpans(view, p, columns), priority: 0 });
    add(2, span('['), span(gauge(progress(view, p), columns - 2), 'cyan'), span(']'));
    blank();
    add(0, label('EPS'), span(`target ${formatCount(p.targetEps)}`), sep(), span(`acked ${formatCount(p.ackedEps)}`, 'bold'),
      sep(), span(`consumed ${formatCount(p.consumedEps)}`));
    if (p.targetEps > 0) {
      const width = Math.max(5, Math.min(40, columns - SUB_LABEL - 10));
      add(3, span('  acked'.padEnd(SUB_LABEL)), span(gauge(p.ackedEps / p.targetEps, width), 'green'),
        span(` ${formatPercent(p.ackedEps / p.targetEps)}`));
      add(3, span('  consumed'.padEnd(SUB_LABEL)), span(gauge((p.consumedEps ?? 0) / p.targetEps, width), 'cyan'),
        span(` ${p.consumedEps === null ? NONE : formatPercent(p.consumedEps / p.targetEps)}`));
    }
    add(1, label('lag'), span(formatCount(p.lag), p.lag !== null && p.lag > 0 ? 'yellow' : undefined));
    add(1, label('QPS'), span(`target ${formatRate(p.targetQps)}`), sep(), span(`started ${formatRate(p.startedQps)}`), sep(),
      span(`completed ${formatRate(p.completedQps)}`, 'bold'));
    add(0, label('latency'), span(`p50 ${formatMs(p.p50Ms)}`), sep(), span(`p99 ${formatMs(p.p99Ms)}`, 'bold'), sep(),
      span(`err ${formatPercent(p.errorRate)}`, errorStyle(p.errorRate)));
    add(2, label('fresh'), span(`p99 ${formatMs(p.freshnessP99Ms)}`), sep(),
      span(`recovered ${formatRecovered(p.recovered)}`, p.recovered === null ? undefined : p.recovered ? 'green' : 'yellow'));
    sparkRows(view, columns).forEach((r) => rows.push(r));
    blank();
    const workers: Span[] = [label('workers'), span(`${formatCount(p.activeWorkers)} active`), sep(),
      span(`${formatCount(p.saturatedWorkers)} saturated`, p.saturatedWorkers > 0 ? 'yellow' : undefined)];
    if (p.saturated === true) workers.push(sep(), span('HARNESS SATURATED', 'red'));
    rows.push({ line: workers, priority: 1 });
  }
  if (view.summary !== null) {
    const s = view.summary;
    add(1, span(`run finished: ${s.valid ? 'valid' : 'INVALID'} (exit code ${s.exitCode})`, s.valid ? 'green' : 'red'),
      span(s.reportDir !== null && typeof s.reportDir === 'string' ? ` · report ${printable(s.reportDir)}` : ''));
  }
  if (view.skipped > 0) {
    add(2, span(`skipped ${formatCount(view.skipped)} malformed record${view.skipped === 1 ? '' : 's'}`, 'yellow'),
      span(' (listed on exit)', 'dim'));
  }
  return rows;
}

function titleSpans(view: LiveView): Span[] {
  const out: Span[] = [span('IncidentBench', 'bold'), span(` · run ${printable(view.run)}`)];
  if (view.state !== null) {
    out.push(sep(), span(view.state.stage, stageStyle(view.state.stage)), span(` · ${formatReadiness(view.state)}`));
    if (view.state.stage === 'failed' && typeof view.state.reason === 'string') out.push(span(` — ${printable(view.state.reason)}`, 'red'));
  }
  return out;
}

/** `baseline › surge › [overlap]` on the left, `02:13 / 03:00 · 00:47 left` on the right; oldest phases give way. */
function phaseSpans(view: LiveView, p: LivePoint, columns: number): StyledLine {
  const duration = view.durationS ?? p.durationS;
  const done = completedSeconds(p);
  const clock = `${formatClock(done)} / ${formatClock(duration)}`;
  const right = done > duration ? `${clock} · drain +${formatClock(done - duration)}` : `${clock} · ${formatClock(duration - done)} left`;
  const names = view.phases.map((ph) => printable(ph.name));
  const current = printable(p.phase);
  const room = columns - right.length - 2;
  let first = 0;
  const text = (from: number) => (from > 0 ? '… › ' : '') + names.slice(from).map((n) => (n === current ? `[${n}]` : n)).join(' › ');
  while (first < names.length - 1 && [...text(first)].length > room) first += 1;
  const left = text(first);
  const gap = Math.max(2, columns - [...left].length - right.length);
  const spans: Span[] = [];
  for (const [i, part] of left.split(/(\[[^\]]*\])/).entries()) {
    if (part !== '') spans.push(span(part, i % 2 === 1 ? 'bold' : 'dim'));
  }
  spans.push(span(' '.repeat(gap)), span(right));
  return spans;
}

function progress(view: LiveView, p: LivePoint): number {
  const duration = view.durationS ?? p.durationS;
  return duration > 0 ? completedSeconds(p) / duration : 1;
}

function sparkRows(view: LiveView, columns: number): Row[] {
  const series: { name: string; pick: (p: LivePoint) => number | null; show: (n: number) => string }[] = [
    { name: 'acked EPS', pick: (p) => p.ackedEps, show: formatCount },
    { name: 'p99', pick: (p) => p.p99Ms, show: formatMs },
    { name: 'lag', pick: (p) => p.lag, show: formatCount },
  ];
  const values = series.map((s) => recentSeries(view, s.pick));
  const suffixes = values.map((v, i) => `  max ${series[i]!.show(Math.max(0, ...v.map((x) => x ?? 0)))}`);
  const width = Math.min(SPARK_WINDOW_S, columns - SUB_LABEL - Math.max(...suffixes.map((s) => s.length)));
  if (width < 8) return [];
  const rows: Row[] = [{ line: [], priority: 5 }, { line: [span(`last ${SPARK_WINDOW_S} s`, 'dim')], priority: 3 }];
  series.forEach((s, i) => {
    rows.push({ line: [span(`  ${s.name}`.padEnd(SUB_LABEL)), span(sparkline(values[i]!, width), 'cyan'), span(suffixes[i]!, 'dim')], priority: 2 });
  });
  return rows;
}

/** Drops the most droppable rows (the lowest of them first) until the rows fit the height. */
function fitRows(rows: Row[], height: number): Row[] {
  const out = [...rows];
  while (out.length > height) {
    const worst = Math.max(...out.map((r) => r.priority));
    let at = -1;
    for (let i = out.length - 1; i >= 0; i -= 1) {
      if (out[i]!.priority === worst) {
        at = i;
        break;
      }
    }
    out.splice(at, 1);
  }
  return out;
}

function label(text: string): Span {
  return span(text.padEnd(LABEL), 'dim');
}

function sep(): Span {
  return span(' · ', 'dim');
}

function stageStyle(stage: RunStage): SpanStyle {
  switch (stage) {
    case 'running':
    case 'done':
      return 'green';
    case 'failed':
      return 'red';
    default:
      return 'yellow';
  }
}

function errorStyle(rate: number | null): SpanStyle | undefined {
  if (rate === null) return undefined;
  if (rate >= 0.05) return 'red';
  if (rate >= 0.01) return 'yellow';
  return 'green';
}
