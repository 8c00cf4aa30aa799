// The harness sections of report.html: topology and per-worker achieved vs target, data quality of the
// records, and run metadata (versions, ids, hashes, scaling, topics, derived metrics). Must not judge anything.

import {
  formatCount, formatInstant, formatMs, formatPercent, formatPlain, formatSignificant, NO_VALUE,
} from './display-number.js';
import { html, joinHtml, type HtmlValue, type SafeHtml } from './html-escape.js';
import { chip, dataTable, nullable, section, valueText, type Column } from './html-page.js';
import type { DataQualityJson, RunJson, WorkerJson } from './run-json-types.js';

function byName<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "logs → ib.smoke.events, …" sorted by stream, or "none (query-only)". */
function topicList(run: RunJson): SafeHtml {
  const topics = byName(run.harness.kafka.topics);
  if (topics.length === 0) return html`<span class="muted">none (query-only)</span>`;
  return joinHtml(topics.map(([s, t]) => html`<span class="mono">${s}</span> → <span class="mono">${t}</span>`), ', ');
}

function workerStatus(w: WorkerJson): SafeHtml {
  if (w.failed !== null) return html`${chip('fail', 'failed')} ${w.failed}`;
  if (w.lost) return chip('fail', 'lost');
  if (!w.said_hello) return chip('fail', 'no hello');
  if (!w.done) return chip('not-judged', 'not done');
  return chip('pass', 'ok');
}

/**
 * "161 940 of 162 000 acked (99.96 %)" / "420 of 420 started (100 %)"; a session run's query workers have no arrival
 * target to achieve: "69 started (sessions: no arrival target)".
 */
function achieved(w: WorkerJson, sessionMode: boolean): SafeHtml {
  if (sessionMode && w.query !== undefined) {
    return html`${formatCount(w.query.started)} started <span class="muted">(sessions: no arrival target)</span>`;
  }
  const [done, target, verb, ratio] = w.ingest !== undefined
    ? [w.ingest.acked, w.ingest.target, 'acked', w.ingest.achieved_ratio]
    : w.query !== undefined ? [w.query.started, w.query.target, 'started', w.query.achieved_ratio] : [null, null, '', null];
  if (done === null || target === null) return valueText(NO_VALUE);
  return html`${formatCount(done)} of ${formatCount(target)} ${verb} <strong>(${nullable(ratio, formatPercent)})</strong>`;
}

function failures(w: WorkerJson): SafeHtml {
  if (w.ingest !== undefined) return html`failed ${formatCount(w.ingest.failed)}, missed ${formatCount(w.ingest.missed)}`;
  if (w.query !== undefined) {
    return html`errors ${formatCount(w.query.errors)}, timeouts ${formatCount(w.query.timeouts)}, dropped ${formatCount(w.query.dropped)}`;
  }
  return valueText(NO_VALUE);
}

function workersTable(run: RunJson): SafeHtml {
  const workers = byName(run.workers);
  if (workers.length === 0) return html`<p class="note">run.json lists no worker.</p>`;
  const cols: Column[] = [
    { head: 'Worker', kind: 'name' }, { head: 'Role' }, { head: 'Group' }, { head: 'Host' }, { head: 'Threads', kind: 'num' },
    { head: 'Clock offset ms', kind: 'num', tip: 'estimated offset of the worker\u2019s clock from the coordinator\u2019s' },
    { head: 'CPU max', kind: 'num' }, { head: 'RSS max MB', kind: 'num' },
    { head: 'Achieved vs target', kind: 'num', tip: 'events acked or queries started, of the worker\u2019s planned share' },
    { head: 'Shortfall' }, { head: 'Saturated s', kind: 'num' }, { head: 'Status' },
  ];
  const rows = workers.map(([id, w]): HtmlValue[] => [
    id, w.role, w.group ?? valueText(NO_VALUE), w.host ?? valueText(NO_VALUE), nullable(w.threads, formatCount),
    nullable(w.clock_offset_ms, formatMs), nullable(w.cpu_max_pct === null ? null : w.cpu_max_pct / 100, formatPercent),
    nullable(w.rss_max_mb, formatSignificant), achieved(w, run.session !== null), failures(w), formatCount(w.saturated_s),
    workerStatus(w),
  ]);
  return dataTable(cols, rows);
}

export function harnessSection(run: RunJson): SafeHtml {
  const h = run.harness;
  const facts = html`<dl class="meta">
<dt>Ingest workers</dt><dd>${formatCount(h.workers.ingest)} × ${formatCount(h.workers.ingest_threads)} threads</dd>
<dt>Query workers</dt><dd>${formatCount(h.workers.query)}</dd>
<dt>Kafka bootstrap</dt><dd class="mono">${h.kafka.bootstrap_servers.length === 0 ? valueText(NO_VALUE) : h.kafka.bootstrap_servers.join(', ')}</dd>
<dt>Event partitions</dt><dd>${nullable(h.kafka.partitions, formatCount)}</dd>
<dt>Events topics</dt><dd>${topicList(run)}</dd>
</dl>`;
  return section('harness', 'Harness topology', 'Who generated the load, and whether each worker delivered its share.',
    html`${facts}<h3>Workers</h3>${workersTable(run)}`);
}

const DATA_QUALITY: readonly { key: keyof DataQualityJson; label: string; meaning: string }[] = [
  { key: 'late_snapshots', label: 'Late snapshots', meaning: 'whole snapshots whose second was already closed when they arrived (merged anyway)' },
  { key: 'late_entries', label: 'Late entries', meaning: 'late entries merged into earlier seconds (the normal path)' },
  { key: 'malformed_records', label: 'Malformed records', meaning: 'records that could not be read (see warnings)' },
  { key: 'clamped_values', label: 'Clamped values', meaning: 'latency values outside 1 µs – 1 h, recorded at the bound' },
  { key: 'foreign_snapshots', label: 'Foreign snapshots', meaning: 'snapshots of workers the plan does not have, or of another run (not merged)' },
  { key: 'outside_timeline', label: 'Outside the timeline', meaning: 'snapshots before t0 or after the end, merged into no phase' },
];

export function dataQualitySection(run: RunJson): SafeHtml {
  const cols: Column[] = [{ head: 'Item', kind: 'name' }, { head: 'Count', kind: 'num' }, { head: 'Meaning', kind: 'wrap' }];
  const rows = DATA_QUALITY.map((d): HtmlValue[] => {
    const n = run.data_quality[d.key];
    return [d.label, n > 0 && d.key !== 'late_entries' ? html`<strong>${formatCount(n)}</strong>` : formatCount(n), d.meaning];
  });
  return section('data-quality', 'Data quality', 'How clean the raw records behind this report were.', dataTable(cols, rows));
}

export function metadataSection(run: RunJson): SafeHtml {
  const s = run.harness.scaling;
  const derived = byName(run.derived);
  const derivedTable = derived.length === 0 ? html`<p class="note">No derived metric.</p>`
    : dataTable([{ head: 'Metric', kind: 'name' }, { head: 'Value', kind: 'num' }],
      derived.map(([name, v]): HtmlValue[] => [html`<span class="mono">${name}</span>`, nullable(v, formatPlain)]));
  return section('metadata', 'Metadata', null, html`<dl class="meta">
<dt>Scenario</dt><dd><span class="mono">${run.scenario.name}</span> version <span class="mono">${run.scenario.version}</span></dd>
<dt>Target adapter</dt><dd>${run.target.adapter ?? valueText(NO_VALUE)}</dd>
<dt>Target config hash</dt><dd class="mono">${run.target.config_hash ?? valueText(NO_VALUE)}</dd>
<dt>Run name</dt><dd class="mono">${run.run.name}</dd>
<dt>Run id</dt><dd class="mono">${run.run.id}</dd>
<dt>Started (t0)</dt><dd>${formatInstant(run.run.started_at)}</dd>
<dt>Ended</dt><dd>${formatInstant(run.run.ended_at)}</dd>
<dt>Exit code</dt><dd>${formatCount(run.run.exit_code)}</dd>
<dt>Plan hash</dt><dd class="mono">${run.harness.plan_hash}</dd>
<dt>Scaling</dt><dd>rate × ${formatPlain(s.rate_scale)}, duration × ${formatPlain(s.duration_scale)}</dd>
<dt>Kafka topics</dt><dd>${topicList(run)}</dd>
<dt>IncidentBench</dt><dd class="mono">${run.incidentbench_version}</dd>
<dt>run.json schema</dt><dd>${formatCount(run.schema_version)}</dd>
<dt>Report generated</dt><dd>${formatInstant(run.generated_at)}</dd>
</dl>
<details><summary>All derived metrics (${formatCount(derived.length)})</summary>${derivedTable}</details>`);
}
