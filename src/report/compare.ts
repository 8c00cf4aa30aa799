// Compares runs of one scenario version (SPEC §13 `compare`): a baseline against contenders, scorecard deltas with
// which side is better, and notes on what makes a comparison shaky. Must not render, read files or recompute metrics.

import { SCORECARD_KEYS, type ScorecardKey } from '../scenario/metric-names.js';
import type { RunJson } from './run-json-types.js';

/** A run in a comparison; `label` is its run name (or the label given), made unique with ` #2`, ` #3`. */
export interface ComparedRun {
  label: string;
  run: RunJson;
}

/** One scorecard metric of a contender against the baseline. Every scorecard metric is lower-is-better. */
export interface ScoreDelta {
  key: ScorecardKey;
  baseline: number | null;
  value: number | null;
  /** value − baseline; null when either is null. */
  absolute: number | null;
  /** absolute ÷ baseline × 100; null when either is null or the baseline is 0. */
  percent: number | null;
  /** `better` when lower than the baseline; null when either is null. */
  better: 'better' | 'worse' | 'same' | null;
}

export interface Comparison {
  baseline: ComparedRun;
  contenders: { run: ComparedRun; deltas: ScoreDelta[] }[];
  /** Why some numbers deserve care (different scaling, invalid, not comparable, saturated harness); one line each. */
  notes: string[];
}

export type CompareResult = { ok: true; comparison: Comparison } | { ok: false; reason: string };

/**
 * Compares `runs[0]` (the baseline) with the others. Refuses with a one-line reason when there are fewer than 2 runs or
 * a contender ran another scenario or scenario version than the baseline.
 */
export function compareRuns(runs: { label?: string; run: RunJson }[]): CompareResult {
  if (runs.length < 2) {
    return { ok: false, reason: `compare needs at least 2 runs (a baseline and a contender), got ${runs.length}` };
  }
  const labels = uniqueLabels(runs.map((r) => r.label ?? r.run.run.name));
  const compared: ComparedRun[] = runs.map((r, i) => ({ label: labels[i]!, run: r.run }));
  const [baseline, ...contenders] = compared as [ComparedRun, ...ComparedRun[]];

  const mismatches = contenders.flatMap((c) => {
    const mismatch = scenarioMismatch(c, baseline);
    return mismatch === null ? [] : [mismatch];
  });
  if (mismatches.length > 0) return { ok: false, reason: mismatches.join('; ') };

  const keys = scorecardKeys(baseline.run);
  return {
    ok: true,
    comparison: {
      baseline,
      contenders: contenders.map((c) => ({ run: c, deltas: keys.map((k) => scoreDelta(k, baseline.run, c.run)) })),
      notes: [...contenders.flatMap((c) => scalingNote(c, baseline)), ...compared.flatMap((c) => runNotes(c, c === baseline))],
    },
  };
}

/** Labels made unique in order: the second `a` becomes `a #2`, the third `a #3` (skipping labels already taken). */
function uniqueLabels(labels: readonly string[]): string[] {
  const taken = new Set<string>();
  return labels.map((label) => {
    let unique = label;
    for (let n = 2; taken.has(unique); n++) unique = `${label} #${n}`;
    taken.add(unique);
    return unique;
  });
}

function scenarioMismatch(c: ComparedRun, baseline: ComparedRun): string | null {
  const [s, b] = [c.run.scenario, baseline.run.scenario];
  if (s.name === b.name && s.version === b.version) return null;
  return `run ${c.label} used scenario ${s.name} ${s.version}, the baseline ${b.name} ${b.version}: `
    + `compare needs the same scenario${s.name === b.name ? ' version' : ' and version'}`;
}

/** The baseline's display order (emphasised first), then any scorecard key it left out, each once. */
function scorecardKeys(run: RunJson): ScorecardKey[] {
  const known = new Set<string>(SCORECARD_KEYS);
  const ordered = (run.scorecard_order ?? []).filter((k) => known.has(k));
  return [...new Set<ScorecardKey>([...ordered, ...SCORECARD_KEYS])];
}

function scoreDelta(key: ScorecardKey, baseline: RunJson, contender: RunJson): ScoreDelta {
  const b = baseline.scorecard[key] ?? null;
  const v = contender.scorecard[key] ?? null;
  if (b === null || v === null) return { key, baseline: b, value: v, absolute: null, percent: null, better: null };
  const absolute = clean(v - b);
  return {
    key, baseline: b, value: v, absolute,
    percent: b === 0 ? null : clean((absolute / Math.abs(b)) * 100),
    better: v < b ? 'better' : v > b ? 'worse' : 'same',
  };
}

/** Drops binary noise from a difference (990 − 900 = 90.00000000000009 → 90): 12 significant digits are plenty. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

function scalingNote(c: ComparedRun, baseline: ComparedRun): string[] {
  const [s, b] = [c.run.harness.scaling, baseline.run.harness.scaling];
  if (s.rate_scale === b.rate_scale && s.duration_scale === b.duration_scale) return [];
  return [`run ${c.label} ran at rate_scale ${s.rate_scale} and duration_scale ${s.duration_scale}, the baseline at `
    + `rate_scale ${b.rate_scale} and duration_scale ${b.duration_scale}: peak backlog and drain time grow with the `
    + 'load, so compare them with care'];
}

function runNotes(c: ComparedRun, isBaseline: boolean): string[] {
  const who = isBaseline ? `the baseline ${c.label}` : `run ${c.label}`;
  const r = c.run.run;
  const out: string[] = [];
  if (!r.valid) {
    const why = r.validity_violations.map((v) => v.name).join(', ');
    out.push(`${who} is invalid${why ? ` (${why})` : ''}: its numbers may not measure the target fairly`);
  }
  if (!r.comparable) {
    out.push(`${who} is marked not comparable (its phases were shorter than the 30 s minimum, duration_scale `
      + `${c.run.harness.scaling.duration_scale}): its numbers are not those of the scenario as written`);
  }
  if (r.harness_saturated) {
    const workers = (r.saturated_workers ?? []).map((w) => w.worker).join(', ');
    out.push(`${who} saturated the harness${workers ? ` (${workers})` : ''}: it may have measured the harness, not the target`);
  }
  return out;
}
