// Recovery detection of SPEC §11 (`recovery.time_to_baseline_s`): the first second of R from which the rolling
// 5 s p99 stays within 1.2 × baseline p99 for 5 more non-skipped seconds. Must not merge histograms (the caller does).

export interface RecoveryPoint {
  /** Due second t (unix s), ascending, every second from start(R) to the last second of the last phase. */
  second: number;
  /** p99 of the merged window W(t) = due seconds [t − 4, t], ms; null when W(t) holds no completed query. */
  p99Ms: number | null;
}

export interface RecoveryOptions {
  /** C(t) ⇔ p99Ms ≤ factor × baseline p99 (SPEC: 1.2). */
  factor: number;
  /** Non-skipped seconds after t that must also satisfy C (SPEC: 5). */
  hold: number;
}

export const RECOVERY_DEFAULTS: Readonly<RecoveryOptions> = Object.freeze({ factor: 1.2, hold: 5 });

export interface Recovery {
  /** t*, the recovered second; null when never recovered, the baseline is null, or there are no points. */
  recoveredAt: number | null;
  /** t* − start(R), s (start(R) = points[0].second); 0 when C holds from the start of R. */
  timeS: number | null;
}

/**
 * t* = the first non-skipped t with C(t) and C at each of the next `hold` non-skipped seconds, all within `points`.
 * Skipped seconds (p99Ms null) neither hold nor break C; a breach restarts the count at the next C-second.
 * Fewer than `hold` non-skipped seconds left after a candidate → not recovered there (nor later).
 * `points` must be strictly ascending by second; factor finite and > 0; hold a non-negative integer (RangeError).
 */
export function findRecovery(
  points: readonly RecoveryPoint[],
  baselineP99Ms: number | null,
  opts: Partial<RecoveryOptions> = {},
): Recovery {
  const { factor, hold } = { ...RECOVERY_DEFAULTS, ...opts };
  if (!(Number.isFinite(factor) && factor > 0)) throw new RangeError(`findRecovery: factor must be > 0, got ${factor}`);
  if (!(Number.isInteger(hold) && hold >= 0)) {
    throw new RangeError(`findRecovery: hold must be a non-negative integer, got ${hold}`);
  }
  for (let i = 1; i < points.length; i++) {
    if (!(points[i].second > points[i - 1].second)) {
      throw new RangeError(
        `findRecovery: points must be ascending by second; points[${i}].second ${points[i].second} follows ${points[i - 1].second}`,
      );
    }
  }
  const none: Recovery = { recoveredAt: null, timeS: null };
  if (baselineP99Ms === null || points.length === 0) return none;
  const limit = factor * baselineP99Ms;
  const start = points[0].second;
  let candidate: number | null = null;
  let run = 0; // non-skipped seconds satisfying C since `candidate`, candidate included
  for (const pt of points) {
    if (pt.p99Ms === null) continue;
    if (pt.p99Ms <= limit) {
      if (run === 0) candidate = pt.second;
      run++;
      if (run === hold + 1 && candidate !== null) return { recoveredAt: candidate, timeS: candidate - start };
    } else {
      run = 0;
      candidate = null;
    }
  }
  return none;
}
