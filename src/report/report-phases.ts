// The per-phase sections of report.html: ingest and query tables per phase, and the latency distribution per
// phase (chart + exact table). Must not compute metrics: every figure comes from run.json's phases.

import {
  formatCount, formatMs, formatPercent, formatRate, formatSeconds, NO_VALUE,
} from './display-number.js';
import { html, joinHtml, raw, type HtmlValue, type SafeHtml } from './html-escape.js';
import { chip, dataTable, nullable, section, valueText, type Column } from './html-page.js';
import type { PhaseJson, RunJson } from './run-json-types.js';
import { groupedBarChart } from './svg-bar-chart.js';

/** "http_5xx 1 · timeout 3", sorted by class name; the no-value dash when there is none. */
export function errorClasses(classes: Record<string, number>): SafeHtml {
  const entries = Object.entries(classes).filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return html`<span class="muted">none</span>`;
  return joinHtml(entries.map(([name, n]) => html`<span class="mono">${name}</span>\u00a0${formatCount(n)}`), ' · ');
}

/** The phase's display name, with its technical name as tooltip. */
function phaseName(p: PhaseJson): SafeHtml {
  return html`<span title="${p.name}">${p.display_name || p.name}</span>`;
}

function ingestTable(run: RunJson): SafeHtml {
  const cols: Column[] = [
    { head: 'Phase', kind: 'name' }, { head: 'Target EPS', kind: 'num' }, { head: 'Acked EPS', kind: 'num' },
    { head: 'Consumed EPS', kind: 'num', tip: 'target consumed events/s, mean over the phase (from consumer lag readings)' },
    { head: 'Target events', kind: 'num' }, { head: 'Acked', kind: 'num' }, { head: 'Failed', kind: 'num' },
    { head: 'Missed', kind: 'num', tip: 'events the harness could not send in time (not sent at all)' },
    { head: 'Acked share', kind: 'num' }, { head: 'Peak lag', kind: 'num', tip: 'largest consumer lag in the phase, events' },
    { head: 'Error classes' },
  ];
  const rows = run.phases.map((p): HtmlValue[] => {
    const i = p.ingest;
    if (i === null) return [phaseName(p), ...Array.from({ length: cols.length - 1 }, () => valueText(NO_VALUE))];
    return [
      phaseName(p), formatRate(i.target_eps), formatRate(i.acked_eps), nullable(i.consumed_eps, formatRate),
      formatCount(i.target), formatCount(i.acked), formatCount(i.failed), formatCount(i.missed),
      nullable(i.target > 0 ? i.acked / i.target : null, formatPercent), nullable(i.peak_lag, formatCount),
      errorClasses(i.error_classes),
    ];
  });
  return dataTable(cols, rows);
}

function queryTable(run: RunJson): SafeHtml {
  const cols: Column[] = [
    { head: 'Phase', kind: 'name' }, { head: 'Target', kind: 'num', tip: 'query arrivals the plan scheduled' },
    { head: 'Started', kind: 'num' }, { head: 'OK', kind: 'num' }, { head: 'Errors', kind: 'num' },
    { head: 'Timeouts', kind: 'num' }, { head: 'Dropped', kind: 'num', tip: 'arrivals not started because too many queries were in flight' },
    { head: 'Error rate', kind: 'num', tip: '(errors + timeouts + dropped) ÷ (started + dropped)' },
    { head: 'p50 ms', kind: 'num' }, { head: 'p95 ms', kind: 'num' }, { head: 'p99 ms', kind: 'num' },
    { head: 'Max ms', kind: 'num' }, { head: 'Error classes' },
  ];
  const rows = run.phases.map((p): HtmlValue[] => {
    const q = p.query;
    return [
      phaseName(p), formatCount(q.target), formatCount(q.started), formatCount(q.ok), formatCount(q.errors),
      formatCount(q.timeouts), formatCount(q.dropped), nullable(q.error_rate, formatPercent),
      nullable(q.p50_ms, formatMs), nullable(q.p95_ms, formatMs), nullable(q.p99_ms, formatMs), nullable(q.max_ms, formatMs),
      errorClasses(q.error_classes),
    ];
  });
  return dataTable(cols, rows);
}

function timingTable(run: RunJson): SafeHtml {
  const cols: Column[] = [
    { head: 'Phase', kind: 'name' }, { head: 'Name' },
    { head: 'Scorecard role', tip: 'B (baseline), O (overlap) and R (recovery) of SPEC §11; warm-up phases are excluded' },
    { head: 'Starts at', kind: 'num', tip: 'seconds since t0' },
    { head: 'Planned s', kind: 'num' },
    { head: 'Measured s', kind: 'num', tip: 'first worker switch into the phase → first switch into the next (coordinator clock)' },
    { head: 'Switch skew ms', kind: 'num', tip: 'largest difference between the workers\u2019 switch times into the phase' },
  ];
  const t0 = run.phases[0]?.start_second ?? 0;
  const rows = run.phases.map((p): HtmlValue[] => [
    phaseName(p), html`<span class="mono">${p.name}</span>`, p.role === null ? html`<span class="muted">none</span>` : chip('role', p.role),
    formatSeconds(p.start_second - t0), formatSeconds(p.duration_s), nullable(p.measured_duration_s, formatSeconds),
    nullable(p.skew_ms, formatMs),
  ]);
  return dataTable(cols, rows);
}

export function phasesSection(run: RunJson, queryOnly: boolean): SafeHtml {
  const ingest = queryOnly
    ? html`<h3>Ingest</h3><p class="note">Query-only run: no phase ingests events.</p>`
    : html`<h3>Ingest</h3>${ingestTable(run)}`;
  return section('phases', 'Phases', 'Every figure is for the whole phase: percentiles come from the merged histogram of all its seconds.',
    html`<h3>Queries</h3>${queryTable(run)}${ingest}<h3>Timing</h3>${timingTable(run)}`);
}

/** Shades of one hue from light (p50) to dark (max), so the bars read as a distribution. */
const PERCENTILE_SHADES = ['#bfdbfe', '#93c5fd', '#60a5fa', '#3b82f6', '#2563eb', '#1d4ed8', '#1e3a8a', '#0f172a'];

function percentileLabel(p: number): string {
  return p === 100 ? 'max' : `p${p}`;
}

export function distributionSection(run: RunJson): SafeHtml {
  const ps: number[] = [];
  for (const phase of run.phases) for (const d of phase.query.distribution) if (!ps.includes(d.p)) ps.push(d.p);
  ps.sort((a, b) => a - b);
  const valueAt = (phase: PhaseJson, p: number): number | null => phase.query.distribution.find((d) => d.p === p)?.ms ?? null;
  const shades = ps.length <= PERCENTILE_SHADES.length ? PERCENTILE_SHADES.slice(PERCENTILE_SHADES.length - ps.length) : [];
  const chart = groupedBarChart({
    id: 'latency-distribution', title: 'Query latency percentiles per phase', unit: 'ms', log: true,
    categories: run.phases.map((p) => p.display_name || p.name),
    series: ps.map((p, i) => ({
      name: percentileLabel(p), values: run.phases.map((ph) => valueAt(ph, p)),
      ...(shades[i] === undefined ? {} : { color: shades[i] }),
    })),
    emptyMessage: 'no query completed in any phase',
  });
  const table = ps.length === 0 ? '' : dataTable(
    [{ head: 'Phase', kind: 'name' }, ...ps.map((p): Column => ({ head: `${percentileLabel(p)} ms`, kind: 'num' }))],
    run.phases.map((ph): HtmlValue[] => [phaseName(ph), ...ps.map((p) => nullable(valueAt(ph, p), formatMs))]),
  );
  return section('latency-distribution', 'Latency distribution per phase',
    'Latency at fixed percentiles of each phase\u2019s merged histogram (log scale: each grid step is ten times the one below).',
    html`<div class="chart-box">${raw(chart)}</div>${table}`);
}
