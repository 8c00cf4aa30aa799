// Human renderings of the live topic's messages (SPEC §10.3) for `incidentbench metrics` and the --live TUI: one
// line per LivePoint and RunState, a few lines for the RunSummary, and the value formats both share. Must not do I/O.
//
// Times in a point's line are the END of its closed second (elapsedS + 1), so the last second of a 180 s timeline
// reads 03:00/03:00; values a message leaves null print as "–".

import type { LivePoint, RunState, RunSummary } from '../stream-agg/live-types.js';
import { SCORECARD_KEYS, type ScorecardKey } from '../scenario/metric-names.js';

/** What a null (unknown) value prints as. */
export const NONE = '–';

/** A message's text with control characters (and so terminal escapes) replaced by '?'. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Whole count with thousands separators: 12,340. */
export function formatCount(n: number | null): string {
  return n === null || !Number.isFinite(n) ? NONE : Math.round(n).toLocaleString('en-US');
}

/** A rate with one decimal: 10.0, 1,234.5. */
export function formatRate(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return NONE;
  return n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** A duration given in ms: "0.42 ms", "4.2 ms", "41 ms", "5.2 s", "125 s". */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return NONE;
  const a = Math.abs(ms);
  if (a < 1) return `${ms.toFixed(2)} ms`;
  if (a < 10) return `${ms.toFixed(1)} ms`;
  if (a < 999.5) return `${Math.round(ms)} ms`;
  if (a < 99_950) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000).toLocaleString('en-US')} s`;
}

/** A ratio as a percentage with one decimal: 0.003 → "0.3 %"; a non-zero ratio below 0.05 % → "<0.1 %". */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return NONE;
  const pct = ratio * 100;
  if (pct > 0 && pct < 0.05) return '<0.1 %';
  return `${pct.toFixed(1)} %`;
}

/** Seconds as mm:ss, or h:mm:ss from one hour on; negative values clamp to 0. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
}

/** The running recovery signal: "yes", "no", or "–" before R / without a baseline. */
export function formatRecovered(recovered: boolean | null): string {
  return recovered === null ? NONE : recovered ? 'yes' : 'no';
}

/** Seconds of the timeline completed once this point's second closed. */
export function completedSeconds(p: Pick<LivePoint, 'elapsedS'>): number {
  return p.elapsedS + 1;
}

/**
 * `[overlap 02:13/03:00] EPS 2,000 tgt / 1,998 acked / 1,450 consumed · lag 12,340 · QPS 9.8/10.0 · p50 41 ms
 * p99 870 ms · err 0.3 % · fresh p99 5.2 s · workers 2 (0 saturated) · recovered –`; QPS is completed/target.
 * ` · HARNESS SATURATED` is appended while some worker has been saturated for ≥ 10 s.
 */
export function formatLivePoint(p: LivePoint): string {
  const parts = [
    `[${printable(p.phase)} ${formatClock(completedSeconds(p))}/${formatClock(p.durationS)}] EPS ${formatCount(p.targetEps)} tgt / `
      + `${formatCount(p.ackedEps)} acked / ${formatCount(p.consumedEps)} consumed`,
    `lag ${formatCount(p.lag)}`,
    `QPS ${formatRate(p.completedQps)}/${formatRate(p.targetQps)}`,
    `p50 ${formatMs(p.p50Ms)} p99 ${formatMs(p.p99Ms)}`,
    `err ${formatPercent(p.errorRate)}`,
    `fresh p99 ${formatMs(p.freshnessP99Ms)}`,
    `workers ${formatCount(p.activeWorkers)} (${formatCount(p.saturatedWorkers)} saturated)`,
    `recovered ${formatRecovered(p.recovered)}`,
  ];
  if (p.saturated === true) parts.push('HARNESS SATURATED');
  return parts.join(' · ');
}

/** `ingest 3/3, query 2/2 ready` — how many workers of each role are ready. */
export function formatReadiness(s: Pick<RunState, 'ready' | 'expected'>): string {
  return `${s.ready.ingest}/${s.expected.ingest} ingest, ${s.ready.query}/${s.expected.query} query ready`;
}

/** `stage running: 3/3 ingest, 2/2 query ready`, with ` — <reason>` when the state gives one. */
export function formatRunState(s: RunState): string {
  const reason = typeof s.reason === 'string' && s.reason !== '' ? ` — ${printable(s.reason)}` : '';
  return `stage ${s.stage}: ${formatReadiness(s)}${reason}`;
}

/** A scorecard value in the unit its key names (`_ms`, `_s`, ratio, error rate, backlog events). */
export function formatScorecardValue(key: ScorecardKey, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
  if (key.endsWith('_ms')) return formatMs(value);
  if (key.endsWith('_s')) return `${Number(value.toFixed(1)).toLocaleString('en-US')} s`;
  if (key.startsWith('query_error_rate')) return formatPercent(value);
  if (key === 'peak_backlog') return `${formatCount(value)} events`;
  return `${value.toFixed(2)} ×`;
}

/**
 * The final RunSummary as lines: verdict and exit code, the scorecard in SPEC §11 order, violations, warnings,
 * thresholds and where the report was written.
 */
export function formatRunSummary(s: RunSummary): string[] {
  const out: string[] = [];
  const verdict = s.valid ? 'valid' : 'INVALID';
  const comparable = s.comparable === false ? ', not comparable' : '';
  out.push(`run ${printable(s.run)} finished: ${verdict}${comparable} (exit code ${s.exitCode})`);
  out.push('scorecard:');
  const width = Math.max(...SCORECARD_KEYS.map((k) => k.length));
  for (const key of SCORECARD_KEYS) {
    out.push(`  ${key.padEnd(width)}  ${formatScorecardValue(key, s.scorecard[key])}`);
  }
  const violations = Array.isArray(s.violations) ? s.violations : [];
  out.push(violations.length === 0 ? 'violations: none' : `violations (${violations.length}):`);
  for (const v of violations) out.push(`  - ${printable(String(v.name ?? v.rule))}: ${printable(String(v.message))}`);
  const warnings = Array.isArray(s.warnings) ? s.warnings : [];
  out.push(warnings.length === 0 ? 'warnings: none' : `warnings (${warnings.length}):`);
  for (const w of warnings) out.push(`  - ${printable(String(w.code))}: ${printable(String(w.message))}`);
  const thresholds = Array.isArray(s.thresholds) ? s.thresholds : [];
  out.push(thresholds.length === 0 ? 'thresholds: none' : `thresholds (${thresholds.filter((t) => t.passed).length}/${thresholds.length} passed):`);
  for (const t of thresholds) {
    const value = typeof t.value === 'number' ? ` (value ${Number(t.value.toPrecision(6))})` : '';
    const reason = typeof t.reason === 'string' ? ` — ${printable(t.reason)}` : '';
    out.push(`  - ${t.passed ? 'pass' : 'FAIL'}  ${printable(String(t.condition))}${value}${reason}`);
  }
  out.push(`report: ${typeof s.reportDir === 'string' ? printable(s.reportDir) : 'not written'}`);
  return out;
}
