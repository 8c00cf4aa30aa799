// The query sections of report.html: query-group comparison (chart + table), per-query and per-category
// tables (with the session page latency above the latter). Must not compute metrics: every figure comes from run.json.

import { formatCount, formatMs, formatPercent, formatRatio, NO_VALUE } from './display-number.js';
import { html, raw, type HtmlValue, type SafeHtml } from './html-escape.js';
import { dataTable, nullable, section, valueText, type Column } from './html-page.js';
import { pageLatencyBlock } from './report-session.js';
import type { RunJson } from './run-json-types.js';
import { groupedBarChart } from './svg-bar-chart.js';

function byName<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function queryGroupsSection(run: RunJson): SafeHtml {
  const groups = byName(run.query_groups);
  const chart = groupedBarChart({
    id: 'query-groups', title: 'p99 latency per query group: baseline vs overlap', unit: 'ms',
    categories: groups.map(([g]) => g),
    series: [
      { name: 'baseline p99', values: groups.map(([, g]) => g.baseline_p99_ms), color: '#60a5fa' },
      { name: 'overlap p99', values: groups.map(([, g]) => g.overlap_p99_ms), color: '#e8590c' },
    ],
    emptyMessage: groups.length === 0 ? 'the run has no query group' : 'no query completed in the baseline or overlap phase',
  });
  const cols: Column[] = [
    { head: 'Group', kind: 'name' }, { head: 'Workers', kind: 'num' }, { head: 'Target', kind: 'num' },
    { head: 'Started', kind: 'num' }, { head: 'OK', kind: 'num' }, { head: 'Errors', kind: 'num' },
    { head: 'Timeouts', kind: 'num' }, { head: 'Dropped', kind: 'num' }, { head: 'Baseline p99 ms', kind: 'num' },
    { head: 'Overlap p99 ms', kind: 'num' }, { head: 'p99 ratio', kind: 'num' },
    { head: 'Error rate (overlap)', kind: 'num' },
  ];
  const rows = groups.map(([name, g]): HtmlValue[] => [
    name, formatCount(g.workers), formatCount(g.target), formatCount(g.started), formatCount(g.ok), formatCount(g.errors),
    formatCount(g.timeouts), formatCount(g.dropped), nullable(g.baseline_p99_ms, formatMs), nullable(g.overlap_p99_ms, formatMs),
    nullable(g.p99_ratio, formatRatio), nullable(g.error_rate_overlap, formatPercent),
  ]);
  return section('query-groups', 'Query groups', 'How each group of query workers fared in the overlap phase compared with the baseline.',
    html`<div class="chart-box">${raw(chart)}</div>${groups.length === 0 ? '' : dataTable(cols, rows)}`);
}

export function queriesSection(run: RunJson): SafeHtml {
  const queries = byName(run.queries);
  const hasCategory = queries.some(([, q]) => q.category !== null);
  const cols: Column[] = [
    { head: 'Query', kind: 'name' }, ...(hasCategory ? [{ head: 'Category' }] : []), { head: 'Started', kind: 'num' },
    { head: 'OK', kind: 'num' }, { head: 'Errors', kind: 'num' }, { head: 'Timeouts', kind: 'num' },
    { head: 'Dropped', kind: 'num' }, { head: 'p50 ms', kind: 'num' }, { head: 'p99 ms', kind: 'num' },
    { head: 'With hits', kind: 'num', tip: 'share of successful queries that returned at least one hit' },
  ];
  const rows = queries.map(([name, q]): HtmlValue[] => [
    name, ...(hasCategory ? [q.category ?? valueText(NO_VALUE)] : []), formatCount(q.started), formatCount(q.ok), formatCount(q.errors),
    formatCount(q.timeouts), formatCount(q.dropped), nullable(q.p50_ms, formatMs), nullable(q.p99_ms, formatMs),
    nullable(q.with_hits_share, formatPercent),
  ]);
  const table = queries.length === 0 ? html`<p class="note">No query ran.</p>` : dataTable(cols, rows);
  return section('queries', 'Queries', 'Every query of the mix over the whole run, by name.', table);
}

/**
 * Session mode: the page latency per phase (report-session.ts) above the per-category table; without session mode
 * the per-category table alone; nothing when the run has neither.
 */
export function categoriesSection(run: RunJson): SafeHtml | '' {
  const cats = byName(run.categories);
  const page = pageLatencyBlock(run);
  if (cats.length === 0 && page === '') return '';
  const cols: Column[] = [
    { head: 'Category', kind: 'name' }, { head: 'OK', kind: 'num' },
    { head: 'Errors', kind: 'num', tip: 'queries of the category that failed or timed out' },
    { head: 'p50 ms', kind: 'num' }, { head: 'p99 ms', kind: 'num' },
  ];
  const rows = cats.map(([name, c]): HtmlValue[] => [
    name, formatCount(c.ok), formatCount(c.errors), nullable(c.p50_ms, formatMs), nullable(c.p99_ms, formatMs),
  ]);
  const table = cats.length === 0 ? html`<p class="note">No query of a category completed.</p>` : dataTable(cols, rows);
  if (page === '') return section('categories', 'Query categories', null, table);
  return section('categories', 'Sessions and query categories',
    'Simulated users run ticks; each query\'s latency counts from the start of its tick (SPEC §7.5).',
    html`${page}<h3>Categories</h3>${table}`);
}
