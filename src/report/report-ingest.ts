// The "Ingest streams and freshness" section of report.html: per-stream totals and time-to-searchable
// (overall, from schedule, per phase, per stream). Must not compute metrics: every figure comes from run.json.

import { formatCount, formatMs, formatPercent, formatSeconds } from './display-number.js';
import { html, type HtmlValue, type SafeHtml } from './html-escape.js';
import { dataTable, nullable, section, type Column } from './html-page.js';
import type { FreshnessStatsJson, RunJson } from './run-json-types.js';

function byName<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function streamsTable(run: RunJson): SafeHtml {
  const cols: Column[] = [
    { head: 'Stream', kind: 'name' }, { head: 'Index / table' }, { head: 'Kafka topic' },
    { head: 'Target events', kind: 'num' }, { head: 'Acked', kind: 'num' }, { head: 'Acked share', kind: 'num' },
    { head: 'Consumed', kind: 'num', tip: 'events the target consumed (Σ Δ committed offsets over the run and drain)' },
    { head: 'Peak backlog', kind: 'num' }, { head: 'Time to searchable p99 ms', kind: 'num' },
  ];
  const rows = byName(run.streams).map(([name, s]): HtmlValue[] => [
    name, html`<span class="mono">${s.index}</span>`, html`<span class="mono">${s.topic}</span>`, formatCount(s.target),
    formatCount(s.acked), nullable(s.target > 0 ? s.acked / s.target : null, formatPercent), nullable(s.consumed, formatCount),
    nullable(s.peak_backlog, formatCount), nullable(s.time_to_searchable_p99_ms, formatMs),
  ]);
  return dataTable(cols, rows);
}

const FRESHNESS_COLUMNS: Column[] = [
  { head: 'Scope', kind: 'name' }, { head: 'Found', kind: 'num', tip: 'sentinels found by a query' },
  { head: 'Censored', kind: 'num', tip: 'sentinels not found within the censoring limit' },
  { head: 'p50 ms', kind: 'num' }, { head: 'p99 ms', kind: 'num' }, { head: 'Max ms', kind: 'num' },
  { head: 'p50 from schedule ms', kind: 'num' }, { head: 'p99 from schedule ms', kind: 'num' },
  { head: 'Max from schedule ms', kind: 'num' },
];

function freshnessRow(scope: HtmlValue, f: FreshnessStatsJson): HtmlValue[] {
  return [
    scope, formatCount(f.found), formatCount(f.censored), nullable(f.p50_ms, formatMs), nullable(f.p99_ms, formatMs),
    nullable(f.max_ms, formatMs), nullable(f.from_schedule.p50_ms, formatMs), nullable(f.from_schedule.p99_ms, formatMs),
    nullable(f.from_schedule.max_ms, formatMs),
  ];
}

function freshnessPart(run: RunJson): SafeHtml {
  const f = run.freshness;
  if (!f.enabled) return html`<p class="note">Freshness measurement was off for this run.</p>`;
  const rows: HtmlValue[][] = [freshnessRow(html`<strong>whole run</strong>`, f)];
  const phaseOrder = run.phases.map((p) => p.name);
  const phases = Object.entries(f.phases).sort(([a], [b]) => rank(phaseOrder, a) - rank(phaseOrder, b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, stats] of phases) rows.push(freshnessRow(html`phase <span class="mono">${name}</span>`, stats));
  for (const [name, stats] of byName(f.streams)) rows.push(freshnessRow(html`stream <span class="mono">${name}</span>`, stats));
  const note = 'Time from an event being acknowledged by Kafka (or, \u201cfrom schedule\u201d, from when it was due) until a query '
    + `finds it. Sentinels not found within ${formatSeconds(f.censor_after_ms / 1000)} s are censored.`;
  return html`<p class="note">${note}</p>${dataTable(FRESHNESS_COLUMNS, rows)}`;
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

/** The section, or a short note for query-only runs (no streams, no freshness). */
export function ingestSection(run: RunJson, queryOnly: boolean): SafeHtml {
  if (queryOnly) {
    return section('ingest', 'Ingest streams and freshness', null,
      html`<p class="note">Query-only run: the scenario has no data stream, so nothing was ingested and freshness was not measured.</p>`);
  }
  return section('ingest', 'Ingest streams and freshness', 'Totals per data stream over the run and the drain period.',
    html`${streamsTable(run)}<h3>Time to searchable (freshness)</h3>${freshnessPart(run)}`);
}
