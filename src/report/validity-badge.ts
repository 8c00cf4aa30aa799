// The verdict badge of a run (VALID / INVALID / NOT COMPARABLE, SPEC §12) and the secondary badges (aborted,
// harness saturated, thresholds failed). Must not re-judge validity: it shows what run.json says.

import { html, type SafeHtml } from './html-escape.js';
import type { RunJson } from './run-json-types.js';

export type Verdict = 'VALID' | 'INVALID' | 'NOT COMPARABLE';

/** INVALID when run.valid is false; NOT COMPARABLE when valid but not comparable; VALID otherwise. */
export function verdictOf(run: RunJson): Verdict {
  if (!run.run.valid) return 'INVALID';
  if (!run.run.comparable) return 'NOT COMPARABLE';
  return 'VALID';
}

const CLASS: Readonly<Record<Verdict, string>> = { VALID: 'valid', INVALID: 'invalid', 'NOT COMPARABLE': 'not-comparable' };

function tipOf(run: RunJson, verdict: Verdict): string {
  if (verdict === 'INVALID') {
    const reasons = run.run.validity_violations.map((v) => `${v.name}: ${v.message}`);
    return reasons.length > 0 ? `Invalid: ${reasons.join('; ')}` : 'Invalid run';
  }
  if (verdict === 'NOT COMPARABLE') return 'Valid, but not comparable with full-scale runs (e.g. scaled-down durations)';
  return 'Every mandatory validity rule passed';
}

/** The main badge, with the reasons as tooltip. */
export function verdictBadge(run: RunJson): SafeHtml {
  const v = verdictOf(run);
  return html`<span class="badge ${CLASS[v]}" data-verdict="${v}" title="${tipOf(run, v)}">${v}</span>`;
}

/** Smaller badges for conditions a reader must not miss. */
export function secondaryBadges(run: RunJson): SafeHtml {
  const out: SafeHtml[] = [];
  if (run.run.aborted !== null) out.push(html`<span class="badge minor" title="${run.run.aborted}">ABORTED</span>`);
  if (run.run.harness_saturated) out.push(html`<span class="badge minor" title="a harness worker could not deliver its load">HARNESS SATURATED</span>`);
  const failed = run.thresholds.filter((t) => !t.passed).length;
  if (failed > 0) out.push(html`<span class="badge minor">${failed} of ${run.thresholds.length} THRESHOLDS FAILED</span>`);
  return html`${out}`;
}
