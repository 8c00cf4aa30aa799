// Pearson correlation of two series, and the isolation correlation of SPEC §11 (both series smoothed over 10 s, paired
// over the seconds with enough completed queries). Must not treat a constant series as correlated or fill gaps.

import { trailingMean } from './trailing-mean.js';

/**
 * Two series whose spread is at most this fraction of their magnitude count as constant (variance 0): smoothing
 * a constant 12.345 ms gives 12.345000000000002 in some seconds, and a "correlation" of that rounding noise would
 * be arbitrary. 1e-12 is far below any measured resolution (histograms keep 3 significant digits).
 */
const CONSTANT_SPREAD = 1e-12;

/**
 * Sample Pearson r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² · Σ(y−ȳ)²), in [−1, 1].
 * `null` when the lengths differ, n < 2, or either series is constant (variance 0). Values must be finite.
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n !== ys.length || n < 2) return null;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      throw new RangeError(`pearson: pair ${i} is (${xs[i]}, ${ys[i]}), expected finite numbers`);
    }
  }
  if (isConstant(xs) || isConstant(ys)) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  const r = sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
  return Math.max(-1, Math.min(1, r));
}

function mean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function isConstant(v: readonly number[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return hi - lo <= CONSTANT_SPREAD * Math.max(Math.abs(lo), Math.abs(hi));
}

export interface IsolationOptions {
  /** Trailing-mean window, seconds (SPEC §11: 10). */
  window: number;
  /** Fewest paired seconds for a coefficient (SPEC §11: 10). */
  minN: number;
}

export const ISOLATION_DEFAULTS: Readonly<IsolationOptions> = Object.freeze({ window: 10, minN: 10 });

/**
 * SPEC §11 `isolation.*`: `x` and `y` are per-second series over the same seconds (null = no value that second).
 * Both are smoothed with `trailingMean(window)` over ALL seconds first; then the seconds where `include[i]` is true
 * (SPEC: the second has ≥ 5 completed queries) and both smoothed values are non-null are paired.
 * `n` = the number of pairs; `r` = pearson of the pairs, `null` when n < minN or a variance is 0.
 * The three arrays must have the same length (RangeError otherwise: a caller bug).
 */
export function isolationCorrelation(
  x: readonly (number | null)[],
  y: readonly (number | null)[],
  include: readonly boolean[],
  opts: Partial<IsolationOptions> = {},
): { r: number | null; n: number } {
  const { window, minN } = { ...ISOLATION_DEFAULTS, ...opts };
  if (!(Number.isInteger(minN) && minN >= 0)) {
    throw new RangeError(`isolationCorrelation: minN must be a non-negative integer, got ${minN}`);
  }
  if (x.length !== y.length || x.length !== include.length) {
    throw new RangeError(
      `isolationCorrelation: series lengths differ (x ${x.length}, y ${y.length}, include ${include.length})`,
    );
  }
  const sx = trailingMean(x, window);
  const sy = trailingMean(y, window);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < sx.length; i++) {
    const a = sx[i];
    const b = sy[i];
    if (include[i] !== true || a === null || b === null) continue;
    xs.push(a);
    ys.push(b);
  }
  const n = xs.length;
  return { r: n < minN ? null : pearson(xs, ys), n };
}
