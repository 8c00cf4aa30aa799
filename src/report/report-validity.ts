// The "Validity" section of report.html: every mandatory rule with its outcome, violations, warnings, scenario
// rules, thresholds (raw and normalised values) and harness saturation. Must not re-judge anything.

import { formatCount, formatPlain } from './display-number.js';
import { html, joinHtml, type HtmlValue, type SafeHtml } from './html-escape.js';
import { chip, dataTable, nullable, section, type Column } from './html-page.js';
import type { RunJson } from './run-json-types.js';
import type { RuleMetricValue, ValidityCheck } from '../stream-agg/verdict-types.js';
import { verdictBadge } from './validity-badge.js';

const STATUS: Readonly<Record<ValidityCheck['status'], { kind: 'pass' | 'fail' | 'not-judged' | 'not-applicable'; text: string }>> = {
  pass: { kind: 'pass', text: 'pass' },
  fail: { kind: 'fail', text: 'fail' },
  not_judged: { kind: 'not-judged', text: 'not judged' },
  not_applicable: { kind: 'not-applicable', text: 'not applicable' },
};

function passChip(passed: boolean): SafeHtml {
  return passed ? chip('pass', 'pass') : chip('fail', 'fail');
}

/** "query.p99_ratio: raw 7.50 · normalised 7.50", one line per metric. */
function metricValues(metrics: Record<string, RuleMetricValue>): SafeHtml {
  const entries = Object.entries(metrics);
  if (entries.length === 0) return html`<span class="muted">none</span>`;
  return joinHtml(entries.map(([name, v]) =>
    html`<div><span class="mono">${name}</span>: raw ${nullable(v.raw, formatPlain)} · normalised ${nullable(v.normalised, formatPlain)}</div>`));
}

function checksTable(run: RunJson): SafeHtml {
  if (run.validity.length === 0) return html`<p class="note">run.json lists no validity rule.</p>`;
  const cols: Column[] = [{ head: 'Rule', kind: 'name' }, { head: 'Outcome' }, { head: 'Measured', kind: 'wrap' }];
  const rows = run.validity.map((c): HtmlValue[] => {
    const s = STATUS[c.status] ?? { kind: 'not-judged' as const, text: c.status };
    return [c.name, html`<span data-status="${c.status}">${chip(s.kind, s.text)}</span>`, c.detail];
  });
  return dataTable(cols, rows);
}

function list(items: readonly SafeHtml[], empty: string): SafeHtml {
  return items.length === 0 ? html`<p class="note">${empty}</p>` : html`<ul class="plain">${items.map((i) => html`<li>${i}</li>`)}</ul>`;
}

function rulesTable(run: RunJson): SafeHtml {
  if (run.rules.length === 0) return html`<p class="note">The scenario defines no rule.</p>`;
  const cols: Column[] = [
    { head: 'Rule', kind: 'name' }, { head: 'Condition' }, { head: 'Outcome' }, { head: 'Values', kind: 'wrap' },
    { head: 'Message', kind: 'wrap' },
  ];
  const rows = run.rules.map((r): HtmlValue[] => [
    r.name, html`<code>${r.condition}</code>`, passChip(r.passed), metricValues(r.metrics),
    r.passed ? html`<span class="muted">${r.message}</span>` : html`${r.message}${r.reason === undefined ? '' : html`<br><span class="muted">${r.reason}</span>`}`,
  ]);
  return dataTable(cols, rows);
}

function thresholdsTable(run: RunJson): SafeHtml {
  if (run.thresholds.length === 0) return html`<p class="note">No threshold was set.</p>`;
  const cols: Column[] = [
    { head: 'Condition' }, { head: 'Value', kind: 'num', tip: 'the normalised value of the metric the condition reads' },
    { head: 'Outcome' }, { head: 'Values', kind: 'wrap' }, { head: 'Reason', kind: 'wrap' },
  ];
  const rows = run.thresholds.map((t): HtmlValue[] => [
    html`<code>${t.condition}</code>`, nullable(t.value, formatPlain), passChip(t.passed), metricValues(t.metrics),
    t.reason === undefined ? '' : t.reason,
  ]);
  return dataTable(cols, rows);
}

function saturationPart(run: RunJson): SafeHtml {
  const sat = run.run.saturated_workers;
  const head = run.run.harness_saturated
    ? html`<p class="note"><strong>The harness was saturated:</strong> ${'some load was not delivered as planned, '
      + 'so the target was tested below the scenario\u2019s load.'}</p>`
    : html`<p class="note">The harness was not saturated (no worker had 10 consecutive saturated seconds).</p>`;
  if (sat.length === 0) return head;
  const cols: Column[] = [
    { head: 'Worker', kind: 'name' }, { head: 'Saturated seconds', kind: 'num' }, { head: 'Longest run s', kind: 'num' },
    { head: 'Reasons (seconds)' },
  ];
  const rows = sat.map((w): HtmlValue[] => [
    w.worker, formatCount(w.seconds.length), formatCount(w.longest_run_s),
    joinHtml(Object.entries(w.reasons).sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => html`<span class="mono">${r}</span>\u00a0${formatCount(n)}`), ' · '),
  ]);
  return html`${head}${dataTable(cols, rows)}`;
}

export function validitySection(run: RunJson): SafeHtml {
  const violations = run.run.validity_violations.map((v) => html`<strong>${v.name}</strong>: ${v.message}`);
  const warnings = run.run.warnings.map((w) => html`<span class="mono">${w.code}</span>: ${w.message}`);
  const aborted = run.run.aborted === null ? '' : html`<p class="note"><strong>Aborted:</strong> ${run.run.aborted}</p>`;
  const comparable = run.run.comparable ? '' : html` <span class="muted">— not comparable with full-scale runs</span>`;
  const lead = html`<p class="lead">Verdict: ${verdictBadge(run)}${comparable}</p>`;
  return section('validity', 'Validity', null, html`${lead}${aborted}
<h3>Mandatory rules</h3>${checksTable(run)}
<h3>Violations</h3>${list(violations, 'No violation.')}
<h3>Warnings</h3>${list(warnings, 'No warning.')}
<h3>Scenario rules</h3>${rulesTable(run)}
<h3>Thresholds</h3>${thresholdsTable(run)}
<h3>Harness saturation</h3>${saturationPart(run)}`);
}
