// Display smoothing for chart series (SPEC §10.2: consumed EPS is charted smoothed over 10 s). For drawing
// only: must not be used to compute any metric of run.json (metrics use phase means and histograms).

/**
 * Centred moving average over `window` samples (for 10: the 5 before, the sample, the 4 after), ignoring
 * nulls; null where the window holds no value.
 */
export function centredMovingAverage(values: readonly (number | null)[], window = 10): (number | null)[] {
  const before = Math.floor(window / 2);
  const after = window - before - 1;
  const out: (number | null)[] = [];
  for (let i = 0; i < values.length; i++) {
    let sum = 0;
    let n = 0;
    for (let j = Math.max(0, i - before); j <= Math.min(values.length - 1, i + after); j++) {
      const v = values[j];
      if (v !== null && v !== undefined && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    out.push(n === 0 ? null : sum / n);
  }
  return out;
}
