// Trailing moving mean of a per-second series with gaps (SPEC §11 "smoothed over 10 s"): element i is the mean of
// the non-null values among i−window+1 … i. Must not fill gaps with 0 or mutate its input.

/**
 * Element i = mean of the non-null values among indices max(0, i − window + 1) … i; `null` when there are none.
 * The first window−1 elements average over what exists so far (a shorter window), not over zeros.
 * `window` must be a positive integer; values must be finite or null (RangeError otherwise: a caller bug).
 * Each window is summed afresh (no running sum), so results carry no drift from earlier seconds.
 */
export function trailingMean(values: readonly (number | null)[], window: number): (number | null)[] {
  if (!(Number.isInteger(window) && window >= 1)) {
    throw new RangeError(`trailingMean: window must be a positive integer, got ${window}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && !Number.isFinite(v)) throw new RangeError(`trailingMean: values[${i}] is ${v}, expected a finite number or null`);
  }
  const out: (number | null)[] = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    let sum = 0;
    let count = 0;
    for (let j = Math.max(0, i - window + 1); j <= i; j++) {
      const v = values[j];
      if (v === null) continue;
      sum += v;
      count++;
    }
    out[i] = count === 0 ? null : sum / count;
  }
  return out;
}
