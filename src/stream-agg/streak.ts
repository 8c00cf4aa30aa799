// Longest run of consecutive true flags (SPEC §12.1 "no crash", "Kafka healthy": N consecutive failed seconds).
// Must not decide what a flag means (the caller marks the seconds) or mutate its input.

export interface Streak {
  /** Length of the longest run of consecutive `true`; 0 when there is none. */
  length: number;
  /** Index of the run's first element (the earliest run when several are equally long); null when length is 0. */
  start: number | null;
}

/** The longest run of consecutive `true` in `flags`; ties go to the earliest run. */
export function longestStreak(flags: readonly boolean[]): Streak {
  let best: Streak = { length: 0, start: null };
  let runStart = 0;
  let run = 0;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i]) {
      if (run === 0) runStart = i;
      run++;
      if (run > best.length) best = { length: run, start: runStart };
    } else {
      run = 0;
    }
  }
  return best;
}

/** True when `flags` holds at least `n` consecutive `true` (n = 0 → always true). `n` must be a non-negative integer. */
export function streakAtLeast(flags: readonly boolean[], n: number): boolean {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`streakAtLeast: n must be a non-negative integer, got ${n}`);
  return longestStreak(flags).length >= n;
}
