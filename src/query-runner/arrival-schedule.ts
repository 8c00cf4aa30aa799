// When a query worker's arrivals are due (SPEC §4, §7.4): per phase exactly A(w,p) arrivals, constant — the k-th at
// t0 + 1000·offsetS + floor(1000·k·D/A) — or Poisson (the same count, exponential gaps from counter-based draws,
// i.e. a Poisson process conditioned on its count). Must not run queries or read clocks.

import { unit } from '../generators/hash.js';

export interface ArrivalPhase {
  offsetS: number;
  durationS: number;
  arrivals: number;
}

export interface Arrival {
  /** Index over the worker's whole run (0, 1, 2, …), the key of its random draws. */
  index: number;
  phase: number;
  dueMs: number;
}

const POISSON_FIELD = 0x5151;

export class ArrivalSchedule {
  readonly total: number;

  constructor(
    private readonly t0Ms: number,
    private readonly phases: readonly ArrivalPhase[],
    private readonly mode: 'constant' | 'poisson',
    private readonly seed: number,
  ) {
    this.total = phases.reduce((a, p) => a + p.arrivals, 0);
  }

  /** Due times of the phase's arrivals, non-decreasing. */
  phaseDueTimes(p: number): number[] {
    const ph = this.phases[p]!;
    const start = this.t0Ms + 1000 * ph.offsetS;
    const span = 1000 * ph.durationS;
    const a = ph.arrivals;
    const out = new Array<number>(a);
    if (this.mode === 'constant') {
      for (let k = 0; k < a; k++) out[k] = start + Math.floor((span * k) / a);
      return out;
    }
    // Poisson conditioned on A events in the phase: gap sums of A + 1 exponentials, scaled to the span.
    const gaps = new Array<number>(a + 1);
    let sum = 0;
    for (let k = 0; k <= a; k++) {
      const u = unit(this.seed, k, POISSON_FIELD + p, 0);
      gaps[k] = -Math.log(1 - u);
      sum += gaps[k]!;
    }
    let acc = 0;
    for (let k = 0; k < a; k++) {
      acc += gaps[k]!;
      out[k] = start + Math.min(span - 1, Math.floor((span * acc) / sum));
    }
    return out;
  }

  /** Every arrival of the run in due order. */
  *arrivals(): Generator<Arrival> {
    let index = 0;
    for (let p = 0; p < this.phases.length; p++) {
      for (const dueMs of this.phaseDueTimes(p)) yield { index: index++, phase: p, dueMs };
    }
  }

  /** Arrivals due per wall second (unix s). */
  duePerSecond(): Map<number, number> {
    const out = new Map<number, number>();
    for (const a of this.arrivals()) {
      const s = Math.floor(a.dueMs / 1000);
      out.set(s, (out.get(s) ?? 0) + 1);
    }
    return out;
  }
}
