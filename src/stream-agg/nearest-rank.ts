// Nearest-rank percentile of a plain list of samples (SPEC §11: freshness, lag readings): the ⌈p/100·n⌉-th smallest.
// Must not interpolate, must not mutate its input, and must not be used for histograms (those use hdr percentiles).

/**
 * The ⌈p/100 · n⌉-th smallest of `values` (1-based rank; p = 0 → the smallest, p = 100 → the largest).
 * `null` when `values` is empty. `p` must be in [0, 100]; values must not be NaN (RangeError: a caller bug).
 *
 * The rank is computed as ⌈p·n / 100⌉ with a relative nudge of 1e-12 downwards, so that decimal percentiles give
 * the rank a reader computes by hand (99.9 % of 1000 samples → rank 999, not 1000 from 999.0000000000001).
 */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`nearestRank: p must be in [0, 100], got ${p}`);
  const n = values.length;
  if (n === 0) return null;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) throw new RangeError(`nearestRank: values[${i}] is NaN`);
  }
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[rankOf(p, n) - 1];
}

/** The 1-based nearest rank of percentile p among n > 0 samples, within [1, n]. */
function rankOf(p: number, n: number): number {
  const exact = (p * n) / 100;
  const rank = Math.ceil(exact - Math.abs(exact) * 1e-12);
  return Math.min(n, Math.max(1, rank));
}
