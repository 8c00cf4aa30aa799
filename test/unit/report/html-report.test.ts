import assert from 'node:assert/strict';
import { renderReportHtml } from '../../../src/report/html-report.js';
import type { RunJson } from '../../../src/report/run-json-types.js';
import { sampleRunJson } from '../../support/sample-run-json.js';

const HOSTILE_QUERY = '<script>alert(1)</script>';
const HOSTILE_TITLE = '<img src=x onerror=alert(2)> "drill" & \'co\'';

/** The markup of the element with this id up to the next section (sections are not nested). */
function sectionOf(doc: string, id: string): string {
  const start = doc.indexOf(`<section class="card" id="${id}">`);
  assert.ok(start >= 0, `section ${id} present`);
  const end = doc.indexOf('</section>', start);
  return doc.slice(start, end);
}

/** A run without data streams: what a query-only scenario produces (SPEC §3.4). */
function queryOnlyRun(): RunJson {
  const run = sampleRunJson();
  for (const p of run.phases) p.ingest = null;
  run.streams = {};
  run.harness.kafka.topics = {};
  run.harness.workers = { ingest: 0, ingest_threads: 0, query: 1 };
  delete run.workers['ingest-0'];
  run.freshness = { ...run.freshness, enabled: false, found: 0, censored: 0, p50_ms: null, p99_ms: null, max_ms: null, phases: {}, streams: {} };
  const cols = run.timeseries.columns;
  for (const row of run.timeseries.points) {
    for (const c of ['target_eps', 'acked_eps', 'consumed_eps', 'lag', 'freshness_p99_ms'] as const) row[cols.indexOf(c)] = null;
  }
  for (const k of ['peak_backlog', 'backlog_drain_time_s', 'time_to_searchable_p99_ms'] as const) run.scorecard[k] = null;
  return run;
}

describe('HTML report', () => {
  it('is one document with every section of SPEC §13 and its charts', () => {
    const doc = renderReportHtml(sampleRunJson());
    assert.match(doc, /^<!DOCTYPE html>\n<html lang="en">/);
    for (const id of ['scorecard', 'timeline', 'query-groups', 'phases', 'latency-distribution', 'queries', 'ingest',
      'validity', 'harness', 'data-quality', 'metadata']) {
      assert.equal(doc.split(`<section class="card" id="${id}">`).length, 2, `section ${id} exactly once`);
    }
    for (const chart of ['ingest-eps', 'consumer-lag', 'query-qps', 'query-latency', 'query-errors', 'freshness',
      'query-groups', 'latency-distribution']) {
      assert.match(doc, new RegExp(`<svg data-chart="${chart}"`), `chart ${chart}`);
    }
    assert.doesNotMatch(doc, /data-chart-empty/);
  });

  it('shows the scenario, target adapter, run name and date in the header', () => {
    const head = renderReportHtml(sampleRunJson()).split('</header>')[0]!;
    assert.match(head, /<h1>Smoke<\/h1>/);
    assert.match(head, /smoke 1\.0\.0/);
    assert.match(head, /clickhouse/);
    assert.match(head, /local-20261127-100000/);
    assert.match(head, /2026-11-25 01:45:00 UTC/);
  });

  it('escapes the hostile query name and title: the raw markup never appears', () => {
    const doc = renderReportHtml(sampleRunJson({ hostileTitle: HOSTILE_TITLE }));
    assert.ok(!doc.includes(HOSTILE_QUERY), 'raw <script> absent');
    assert.doesNotMatch(doc, /<script|<img/i);
    assert.ok(doc.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'query name shown escaped');
    assert.ok(doc.includes('&lt;img src=x onerror=alert(2)&gt; &quot;drill&quot; &amp; &#39;co&#39;'), 'title shown escaped');
  });

  it('renders the verdict badge VALID, INVALID or NOT COMPARABLE', () => {
    assert.match(renderReportHtml(sampleRunJson()), /data-verdict="VALID"[^>]*>VALID</);
    const invalid = renderReportHtml(sampleRunJson({ valid: false }));
    assert.match(invalid, /data-verdict="INVALID" title="Invalid: Kafka healthy: 31 consecutive Kafka-failed seconds">INVALID</);
    const scaled = sampleRunJson();
    scaled.run.comparable = false;
    assert.match(renderReportHtml(scaled), /data-verdict="NOT COMPARABLE"/);
  });

  it('shows the scorecard in scorecard_order with units, and a null metric as "—" with the tooltip "no value"', () => {
    const run = sampleRunJson();
    run.scorecard_order = ['recovery_time_s', 'peak_backlog', ...run.scorecard_order.filter((k) => k !== 'recovery_time_s' && k !== 'peak_backlog')];
    run.scorecard.recovery_time_s = null;
    const card = sectionOf(renderReportHtml(run), 'scorecard');
    const order = [...card.matchAll(/data-metric="([a-z0-9_]+)"/g)].map((m) => m[1]);
    assert.deepEqual(order, run.scorecard_order);
    assert.match(card, /data-metric="recovery_time_s">.*?<div class="value"><span class="nv" title="no value">—<\/span><\/div>/);
    assert.match(card, /data-metric="peak_backlog">.*?<div class="value">12\u202f000<span class="unit">\u00a0events<\/span>/);
    assert.match(card, /data-metric="baseline_p99_ms">.*?<div class="value">120<span class="unit">\u00a0ms<\/span>/);
    assert.match(card, /data-metric="p99_degradation_ratio">.*?<div class="value">7\.50×<\/div>/);
    assert.match(card, /data-metric="query_error_rate_overlap">.*?<div class="value">0\.33 %<\/div>/);
  });

  it('renders null table values as "—" with the tooltip "no value"', () => {
    const run = sampleRunJson();
    run.phases[0]!.query.p99_ms = null;
    const phases = sectionOf(renderReportHtml(run), 'phases');
    const baselineRow = phases.split('<tr>').find((r) => r.includes('title="baseline">baseline'))!;
    assert.match(baselineRow, /<span class="nv" title="no value">—<\/span>/);
  });

  it('formats numbers by hand: thousands separators, ms precision, no locale dependence', () => {
    const doc = renderReportHtml(sampleRunJson());
    assert.ok(doc.includes('161\u202f940 of 162\u202f000 acked'));
    assert.ok(doc.includes('1\u202f500'), 'max latency grouped');
    assert.ok(doc.includes('>40.0<'), 'p50 with a decimal below 100 ms');
    assert.doesNotMatch(doc, /\d,\d{3}/, 'no locale comma grouping');
  });

  it('loads nothing: no script, stylesheet link, image, font or external URL', () => {
    const doc = renderReportHtml(sampleRunJson({ hostileTitle: HOSTILE_TITLE }));
    assert.doesNotMatch(doc, /https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}\/|<link|<script|<img|<iframe|@import|url\(|@font-face/i);
    assert.doesNotMatch(doc, /<[^>]+\s(src|srcset|data)=/i, 'no attribute that loads a resource');
    const hrefs = [...doc.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    assert.ok(hrefs.length > 0 && hrefs.every((h) => h.startsWith('#')), 'only in-page anchors');
  });

  it('smooths consumed EPS over 10 s for display and says so', () => {
    const doc = renderReportHtml(sampleRunJson());
    assert.match(doc, /data-series="consumed \(10 s average\)"/);
    assert.match(doc, /averaged over 10 s/);
  });

  it('renders a query-only run without ingest charts and says why', () => {
    const doc = renderReportHtml(queryOnlyRun());
    for (const chart of ['ingest-eps', 'consumer-lag', 'freshness']) {
      assert.doesNotMatch(doc, new RegExp(`data-chart(-empty)?="${chart}"`), `no ${chart} chart`);
    }
    for (const chart of ['query-qps', 'query-latency', 'latency-distribution']) assert.match(doc, new RegExp(`<svg data-chart="${chart}"`));
    assert.match(sectionOf(doc, 'timeline'), /data-note="query-only">Query-only run/);
    assert.match(sectionOf(doc, 'ingest'), /Query-only run/);
    assert.match(sectionOf(doc, 'phases'), /Query-only run: no phase ingests events/);
  });

  it('shows an explicit "no data" message for a chart without any value', () => {
    const run = sampleRunJson();
    const cols = run.timeseries.columns;
    for (const row of run.timeseries.points) for (const c of ['p50_ms', 'p99_ms'] as const) row[cols.indexOf(c)] = null;
    const doc = renderReportHtml(run);
    assert.doesNotMatch(doc, /<svg data-chart="query-latency"/);
    assert.match(doc, /data-chart-empty="query-latency"[^]*?No data: no query completed/);
  });

  it('lists every validity rule with its outcome, then violations, warnings, rules and thresholds with raw and normalised values', () => {
    const run = sampleRunJson({ valid: false });
    run.validity.push({ rule: 'ingest_target_at_baseline', name: 'ingest target at baseline', status: 'not_applicable', detail: 'query-only' });
    run.validity.push({ rule: 'minimum_duration', name: 'minimum duration', status: 'not_judged', detail: 'no plan' });
    run.thresholds[0]!.metrics['query.p99_ratio'] = { raw: 7.5, normalised: 3.75 };
    const v = sectionOf(renderReportHtml(run), 'validity');
    assert.match(v, /baseline stability<\/td><td><span data-status="pass"><span class="chip pass">pass</);
    assert.match(v, /Kafka healthy<\/td><td><span data-status="fail"><span class="chip fail">fail</);
    assert.match(v, /data-status="not_applicable"><span class="chip not-applicable">not applicable</);
    assert.match(v, /data-status="not_judged"><span class="chip not-judged">not judged</);
    assert.match(v, /<strong>Kafka healthy<\/strong>: 31 consecutive Kafka-failed seconds/);
    assert.match(v, /late_snapshots<\/span>: 2 snapshots arrived after their second closed/);
    assert.match(v, /baseline_fast/);
    assert.match(v, /query\.baseline_p99 &lt; 5000/);
    assert.match(v, /query\.p99_ratio<\/span>: raw 7\.50 · normalised 3\.75/);
  });

  it('shows the harness topology: every worker with achieved vs target, and the data quality counts', () => {
    const doc = renderReportHtml(sampleRunJson());
    const h = sectionOf(doc, 'harness');
    assert.match(h, /ingest-0/);
    assert.match(h, /query-0/);
    assert.match(h, /420 of 420 started/);
    assert.match(h, /99\.96 %/);
    assert.match(sectionOf(doc, 'data-quality'), /Late snapshots<\/td><td class="num"><strong>2<\/strong>/);
    const meta = sectionOf(doc, 'metadata');
    for (const s of ['f00d', 'ab12cd34', 'r-1', '0.1.0', 'rate × 1, duration × 1', '2026-11-27 10:00:00 UTC', 'ib.smoke.events']) {
      assert.ok(meta.includes(s), s);
    }
  });

  it('shows a session run\'s page latency per phase, what it measures, then the category table', () => {
    const doc = renderReportHtml(sampleRunJson({ session: true }));
    assert.match(doc, /<a href="#categories">Sessions<\/a>/);
    const c = sectionOf(doc, 'categories');
    assert.match(c, /<h2>Sessions and query categories<\/h2>/);
    const page = c.indexOf('<h3>Page latency</h3>');
    const cats = c.indexOf('<h3>Categories</h3>');
    assert.ok(page >= 0 && cats > page, 'page latency table above the category table');
    const pageTable = c.slice(page, cats);
    assert.ok(pageTable.includes('Page latency is the duration of one tick of a simulated user: from the tick&#39;s start, when the '
      + 'user fires the queries of every category at once, until the last of them has finished (successful, failed or timed out).'),
    'what page latency measures');
    assert.match(pageTable, /think time that follows each tick \(2\u202f000 ms\) is not part of it/);
    assert.match(pageTable, /<th class="num"[^>]*>Users<\/th><th class="num"[^>]*>Ticks<\/th><th class="num">Page p50 ms<\/th><th class="num">Page p99 ms<\/th>/);
    assert.ok(pageTable.includes('<td class="name"><span title="overlap">overlap</span></td><td class="num">8</td><td class="num">96</td>'
      + '<td class="num">640</td><td class="num">2\u202f100</td>'), 'overlap row');
    assert.ok(pageTable.includes('<span title="baseline">baseline</span></td><td class="num">2</td><td class="num">24</td>'
      + '<td class="num">95.0</td><td class="num">180</td>'), 'baseline row');
    assert.match(pageTable, /title="post_incident">post incident<\/span><\/td><td class="num">2<\/td><td class="num">0<\/td><td class="num"><span class="nv" title="no value">—<\/span>/);
    assert.match(pageTable, /all phases<\/span><\/td><td class="num"><span class="nv" title="no value">—<\/span><\/td><td class="num">192<\/td><td class="num">110<\/td><td class="num">1\u202f900<\/td>/);
    assert.match(pageTable, /Longest page: 2\u202f600<span class="unit">\u00a0ms<\/span>/);
    const catTable = c.slice(cats);
    assert.match(catTable, /<td class="name">alert_view<\/td><td class="num">299<\/td><td class="num">1<\/td>/);
    assert.ok(catTable.includes('&lt;b&gt;widgets&lt;/b&gt;') && !doc.includes('<b>widgets'), 'category name escaped');
    assert.match(sectionOf(doc, 'harness'), /started <span class="muted">\(sessions: no arrival target\)<\/span>/,
      'a session run\'s query workers are not measured against the open-loop arrivals');
    assert.doesNotMatch(sectionOf(renderReportHtml(sampleRunJson()), 'harness'), /sessions: no arrival target/);
  });

  it('has no session or category section when the run has neither, and categories alone without session', () => {
    const plain = renderReportHtml(sampleRunJson());
    assert.ok(!plain.includes('id="categories"') && !plain.includes('href="#categories"') && !plain.includes('Page latency'));
    const run = sampleRunJson({ session: true });
    run.session = null;
    const doc = renderReportHtml(run);
    assert.match(doc, /<a href="#categories">Categories<\/a>/);
    const c = sectionOf(doc, 'categories');
    assert.match(c, /<h2>Query categories<\/h2>/);
    assert.match(c, /alert_view/);
    assert.ok(!c.includes('Page latency'));
  });

  it('gives the same bytes for the same run.json; only generated_at changes what generated_at shows', () => {
    const a = renderReportHtml(sampleRunJson());
    assert.equal(renderReportHtml(sampleRunJson()), a);
    assert.equal(renderReportHtml(structuredClone(sampleRunJson())), a);
    const later = sampleRunJson();
    later.generated_at = '2027-01-02T03:04:05.000Z';
    assert.equal(renderReportHtml(later).replaceAll('2027-01-02 03:04:05 UTC', '2026-11-27 10:00:00 UTC'), a);
  });
});
