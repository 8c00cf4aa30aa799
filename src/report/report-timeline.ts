// The "Timeline" section of report.html: per-second charts with phase bands (ingest EPS, lag, QPS, latency,
// errors, freshness). Must not compute metrics; consumed EPS is smoothed for display only (SPEC §10.2).

import { html, raw, type SafeHtml } from './html-escape.js';
import { section } from './html-page.js';
import type { RunJson } from './run-json-types.js';
import { centredMovingAverage } from './series-smoothing.js';
import { REFERENCE_COLOR } from './svg-chart-frame.js';
import { lineChart } from './svg-line-chart.js';
import { phaseBands, runOrigin, timelineView } from './timeseries-view.js';

/** A run is query-only when no phase ingests and it has no stream (SPEC §3.4). */
export function isQueryOnly(run: RunJson): boolean {
  return Object.keys(run.streams).length === 0 && run.phases.every((p) => p.ingest === null);
}

function box(chart: string): SafeHtml {
  return html`<div class="chart-box">${raw(chart)}</div>`;
}

export function timelineSection(run: RunJson): SafeHtml {
  const view = timelineView(run);
  const seconds = view.seconds;
  const origin = runOrigin(run) ?? undefined;
  const bands = phaseBands(run, seconds.length > 0 ? seconds[seconds.length - 1]! : null);
  const common = { seconds, bands, ...(origin === undefined ? {} : { origin }) };
  const queryOnly = isQueryOnly(run);
  const charts: SafeHtml[] = [];

  if (!queryOnly) {
    charts.push(box(lineChart({
      ...common, id: 'ingest-eps', title: 'Ingest rate', unit: 'events/s',
      series: [
        { name: 'target', values: view.column('target_eps'), dashed: true, color: REFERENCE_COLOR },
        { name: 'acked', values: view.column('acked_eps') },
        { name: 'consumed (10 s average)', values: centredMovingAverage(view.column('consumed_eps'), 10) },
      ],
      emptyMessage: 'no ingest rate was recorded',
    })));
    charts.push(box(lineChart({
      ...common, id: 'consumer-lag', title: 'Consumer lag (backlog in Kafka)', unit: 'events',
      series: [{ name: 'lag', values: view.column('lag') }],
      emptyMessage: 'no consumer lag reading was taken',
    })));
  }
  charts.push(box(lineChart({
    ...common, id: 'query-qps', title: 'Query rate', unit: 'queries/s',
    series: [
      { name: 'target', values: view.column('target_qps'), dashed: true, color: REFERENCE_COLOR },
      { name: 'started', values: view.column('started_qps') },
      { name: 'completed', values: view.column('completed_qps') },
    ],
    emptyMessage: 'no query was scheduled',
  })));
  charts.push(box(lineChart({
    ...common, id: 'query-latency', title: 'Query latency', unit: 'ms',
    series: [
      { name: 'p50', values: view.column('p50_ms') },
      { name: 'p99', values: view.column('p99_ms') },
    ],
    emptyMessage: 'no query completed',
  })));
  charts.push(box(lineChart({
    ...common, id: 'query-errors', title: 'Failed queries', unit: 'queries/s',
    series: [
      { name: 'errors', values: view.column('errors'), color: '#c81e1e' },
      { name: 'timeouts', values: view.column('timeouts'), color: '#a16207' },
      { name: 'dropped', values: view.column('dropped'), color: '#9333ea' },
    ],
    emptyMessage: 'no query was scheduled',
  })));
  if (!queryOnly && run.freshness.enabled) {
    charts.push(box(lineChart({
      ...common, id: 'freshness', title: 'Time to searchable (freshness) p99', unit: 'ms',
      series: [{ name: 'freshness p99', values: view.column('freshness_p99_ms') }],
      emptyMessage: 'no freshness sentinel was found',
    })));
  }

  const notes: SafeHtml[] = [];
  if (queryOnly) {
    const text = 'Query-only run: the scenario has no data stream, so there are no ingest, consumer lag or freshness charts.';
    notes.push(html`<p class="note" data-note="query-only">${text}</p>`);
  } else if (!run.freshness.enabled) {
    notes.push(html`<p class="note" data-note="freshness-off">Freshness measurement was off for this run: no time-to-searchable chart.</p>`);
  }
  const lead = 'One point per second; shaded bands are the phases (the overlap phase tinted). '
    + 'Consumed EPS is averaged over 10 s for display, because consumers that commit in bursts make the raw series spiky.';
  return section('timeline', 'Timeline', lead, html`${notes}<div class="charts">${charts}</div>`);
}
