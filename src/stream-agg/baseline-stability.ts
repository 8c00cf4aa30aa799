// The "baseline stability" validity rule of SPEC §12.1: B after its first 10 s is cut into 10 s windows (thin ones
// merged), and the largest window p99 must be ≤ 2 × the median window p99. Must not mutate the input histograms.

import { roundHalfUp } from '../core/numbers.js';
import { Hist } from '../metrics/hist.js';

export interface BaselineSecond {
  /** Due second (unix s); consecutive seconds, every second of B in order. */
  second: number;
  /** Completed (ok) queries due in this second; decides window merging. */
  completed: number;
  /** Latency histogram of those queries (µs); gives the window p99. Not mutated. */
  latency: Hist;
}

export interface BaselineStabilityOptions {
  /** Seconds at the start of B left out (SPEC: 10). */
  skipS: number;
  /** Window length, s (SPEC: 10). */
  windowS: number;
  /** A window with fewer completed queries joins the next one (SPEC: 20). */
  minCompleted: number;
  /** Passed ⇔ largest window p99 ≤ factor × median window p99 (SPEC: 2). */
  factor: number;
}

export const BASELINE_STABILITY_DEFAULTS: Readonly<BaselineStabilityOptions> = Object.freeze({
  skipS: 10,
  windowS: 10,
  minCompleted: 20,
  factor: 2,
});

export interface StabilityWindow {
  /** First due second of the window. */
  from: number;
  /** Last due second of the window (inclusive). */
  to: number;
  /** Completed queries in the window. */
  completed: number;
  /** p99 of the merged histogram of the window's seconds, ms. */
  p99Ms: number;
}

export interface BaselineStability {
  /** False when fewer than 2 windows remain (the rule is not judged; SPEC: a warning). */
  judged: boolean;
  windows: StabilityWindow[];
  /** Largest window p99, ms; null when there is no window. */
  maxP99Ms: number | null;
  /** Median of the window p99s (even count: mean of the two middle ones), ms; null when there is no window. */
  medianP99Ms: number | null;
  /** max ≤ factor × median; null when not judged. */
  passed: boolean | null;
  /** One line with the figures, or why the rule was not judged. */
  detail: string;
}

/** Windows needed for a judgement (SPEC §12.1 "Fewer than 2 windows: not judged"). */
const MIN_WINDOWS = 2;

/**
 * The first `skipS` entries of `seconds` are skipped; the rest is cut into consecutive `windowS`-second windows
 * (a last partial window is a window too). A window with < minCompleted completed queries joins the next one
 * (its seconds merge forward); a final window still below minCompleted joins the previous window, or is dropped
 * when there is none. `seconds` must be consecutive (second + 1 each); options non-negative integers, windowS ≥ 1,
 * factor > 0; a window that reaches minCompleted must have a non-empty histogram (RangeError otherwise: caller bugs).
 */
export function baselineStability(
  seconds: readonly BaselineSecond[],
  opts: Partial<BaselineStabilityOptions> = {},
): BaselineStability {
  const o = { ...BASELINE_STABILITY_DEFAULTS, ...opts };
  checkOptions(o);
  checkSeconds(seconds);
  const groups = mergedGroups(seconds.slice(o.skipS), o.windowS, o.minCompleted);
  const windows = groups.map(windowOf);
  const p99s = windows.map((w) => w.p99Ms);
  const maxP99Ms = p99s.length === 0 ? null : Math.max(...p99s);
  const medianP99Ms = median(p99s);
  if (windows.length < MIN_WINDOWS || maxP99Ms === null || medianP99Ms === null) {
    const k = windows.length;
    return {
      judged: false,
      windows,
      maxP99Ms,
      medianP99Ms,
      passed: null,
      detail: `${k} window${k === 1 ? '' : 's'} of ≥ ${o.minCompleted} queries after the first ${o.skipS} s; ${MIN_WINDOWS} needed`,
    };
  }
  const passed = maxP99Ms <= o.factor * medianP99Ms;
  return {
    judged: true,
    windows,
    maxP99Ms,
    medianP99Ms,
    passed,
    detail:
      `largest window p99 ${ms(maxP99Ms)} ms ${passed ? '≤' : '>'} ${o.factor} × median ${ms(medianP99Ms)} ms ` +
      `(${windows.length} windows)`,
  };
}

/** Cut into windowS-second windows, then merge thin windows forward, and a thin remainder back. */
function mergedGroups(rest: readonly BaselineSecond[], windowS: number, minCompleted: number): BaselineSecond[][] {
  const groups: BaselineSecond[][] = [];
  let pending: BaselineSecond[] = [];
  let pendingCompleted = 0;
  for (let i = 0; i < rest.length; i += windowS) {
    for (const s of rest.slice(i, i + windowS)) {
      pending.push(s);
      pendingCompleted += s.completed;
    }
    if (pendingCompleted >= minCompleted) {
      groups.push(pending);
      pending = [];
      pendingCompleted = 0;
    }
  }
  if (pending.length > 0 && groups.length > 0) groups[groups.length - 1].push(...pending);
  return groups;
}

function windowOf(group: readonly BaselineSecond[]): StabilityWindow {
  const merged = new Hist();
  let completed = 0;
  for (const s of group) {
    merged.add(s.latency);
    completed += s.completed;
  }
  const p99Ms = merged.percentileMs(99);
  merged.destroy();
  const from = group[0].second;
  const to = group[group.length - 1].second;
  if (p99Ms === null) {
    throw new RangeError(
      `baselineStability: window ${from}–${to} has ${completed} completed queries but no latency recorded`,
    );
  }
  return { from, to, completed, p99Ms };
}

/** Median; even count → mean of the two middle values; null when empty. Does not mutate `values`. */
function median(values: readonly number[]): number | null {
  const n = values.length;
  if (n === 0) return null;
  const s = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** ms with one decimal, half up as by hand. */
function ms(x: number): string {
  return (roundHalfUp(x * 10) / 10).toFixed(1);
}

function checkOptions(o: BaselineStabilityOptions): void {
  const intAtLeast = (name: string, v: number, min: number): void => {
    if (!(Number.isInteger(v) && v >= min)) {
      throw new RangeError(`baselineStability: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
  };
  intAtLeast('skipS', o.skipS, 0);
  intAtLeast('windowS', o.windowS, 1);
  intAtLeast('minCompleted', o.minCompleted, 0);
  if (!(Number.isFinite(o.factor) && o.factor > 0)) {
    throw new RangeError(`baselineStability: factor must be > 0, got ${o.factor}`);
  }
}

function checkSeconds(seconds: readonly BaselineSecond[]): void {
  for (let i = 0; i < seconds.length; i++) {
    const s = seconds[i];
    if (!(Number.isSafeInteger(s.completed) && s.completed >= 0)) {
      throw new RangeError(`baselineStability: seconds[${i}].completed must be a non-negative integer, got ${s.completed}`);
    }
    if (i > 0 && s.second !== seconds[i - 1].second + 1) {
      throw new RangeError(
        `baselineStability: seconds must be consecutive; seconds[${i}].second ${s.second} follows ${seconds[i - 1].second}`,
      );
    }
  }
}
