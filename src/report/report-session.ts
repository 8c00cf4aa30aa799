// The session part of report.html (SPEC §7.5): the page latency — how long a simulated user's tick took — per
// phase, with the sentence saying what it measures. Must not compute metrics: every figure comes from run.json.

import { formatCount, formatMs, NO_VALUE } from './display-number.js';
import { html, type HtmlValue, type SafeHtml } from './html-escape.js';
import { dataTable, nullable, valueText, type Column } from './html-page.js';
import type { RunJson } from './run-json-types.js';

/** What page latency is: the duration session-worker.ts records per tick. */
export function pageLatencyExplanation(thinkTimeMs: number): SafeHtml {
  return html`<p class="note">${'Page latency is the duration of one tick of a simulated user: from the tick\'s start, '
    + 'when the user fires the queries of every category at once, until the last of them has finished (successful, '
    + `failed or timed out). The think time that follows each tick (${formatMs(thinkTimeMs)} ms) is not part of it. `
    + 'A tick counts in the phase in which it started; warm-up phases are left out.'}</p>`;
}

/** Page latency per phase and over the run, or nothing when the run is not in session mode. */
export function pageLatencyBlock(run: RunJson): SafeHtml | '' {
  const s = run.session;
  if (s === null) return '';
  const display = new Map(run.phases.map((p) => [p.name, p.display_name || p.name]));
  const cols: Column[] = [
    { head: 'Phase', kind: 'name' },
    { head: 'Users', kind: 'num', tip: 'concurrent simulated users the plan gives the phase, over all query workers' },
    { head: 'Ticks', kind: 'num', tip: 'ticks that started in the phase and finished' },
    { head: 'Page p50 ms', kind: 'num' }, { head: 'Page p99 ms', kind: 'num' },
  ];
  const rows = Object.entries(s.phases).map(([name, p]): HtmlValue[] => [
    html`<span title="${name}">${display.get(name) ?? name}</span>`, formatCount(p.users), formatCount(p.ticks),
    nullable(p.page_p50_ms, formatMs), nullable(p.page_p99_ms, formatMs),
  ]);
  rows.push([html`<span class="muted">all phases</span>`, valueText(NO_VALUE), formatCount(s.ticks),
    nullable(s.page_p50_ms, formatMs), nullable(s.page_p99_ms, formatMs)]);
  const max = html`<p class="note">Longest page: ${nullable(s.page_max_ms, formatMs, 'ms')}.</p>`;
  return html`<h3>Page latency</h3>${pageLatencyExplanation(s.think_time_ms)}${dataTable(cols, rows)}${max}`;
}
