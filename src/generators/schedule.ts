// A stream's event schedule (SPEC §4 "Event split", §5.1): which phase holds event g, when g is due, and which
// g a lane owns. Must not read clocks or draw randomness; every answer is exact integer arithmetic.

import type { DataProfile } from '../scenario/schema.js';

export interface SchedulePhase {
  offsetS: number;
  durationS: number;
  profile: DataProfile;
}

export interface ScheduleStreamPhase {
  firstG: number;
  events: number;
}

const EXACT = 2 ** 52; // below this, p, q·n and their difference are exact doubles

/** floor(a × b / n) for non-negative integers, exact whatever the size of the product. */
export function mulDivFloor(a: number, b: number, n: number): number {
  const p = a * b;
  if (p < EXACT) {
    let q = Math.floor(p / n);
    const r = p - q * n; // the division may round across an integer: correct by one
    if (r < 0) q -= 1;
    else if (r >= n) q += 1;
    return q;
  }
  return Number((BigInt(a) * BigInt(b)) / BigInt(n));
}

/** ceil(a × b / n) for non-negative integers. */
export function mulDivCeil(a: number, b: number, n: number): number {
  const p = a * b;
  if (p < EXACT) {
    const q = mulDivFloor(a, b, n);
    return p - q * n > 0 ? q + 1 : q;
  }
  return Number((BigInt(a) * BigInt(b) + BigInt(n) - 1n) / BigInt(n));
}

/** The first g ≥ a with g ≡ lane (mod lanes). */
export function firstOfLane(lane: number, lanes: number, a: number): number {
  return a + ((((lane - a) % lanes) + lanes) % lanes);
}

/** How many g in [a, b) have g ≡ lane (mod lanes). */
export function laneCount(lane: number, lanes: number, a: number, b: number): number {
  const first = firstOfLane(lane, lanes, a);
  return first >= b ? 0 : Math.floor((b - 1 - first) / lanes) + 1;
}

/** The g of lane `lane` of `lanes` in [a, b), in increasing order. */
export function* laneEvents(lane: number, lanes: number, a: number, b: number): Generator<number> {
  for (let g = firstOfLane(lane, lanes, a); g < b; g += lanes) yield g;
}

export class StreamSchedule {
  readonly totalEvents: number;
  private readonly starts: number[]; // unix ms of each phase start
  private readonly spanMs: number[]; // 1000 × D(p)
  /** Indices of phases that hold events, in order (binary search over their firstG). */
  private readonly withEvents: number[];

  constructor(
    readonly t0Ms: number,
    readonly phases: readonly SchedulePhase[],
    readonly streamPhases: readonly ScheduleStreamPhase[],
  ) {
    if (phases.length !== streamPhases.length) {
      throw new RangeError(`schedule: ${phases.length} phases but ${streamPhases.length} stream phases`);
    }
    if (!Number.isSafeInteger(t0Ms) || t0Ms % 1000 !== 0) throw new RangeError(`schedule: t0 ${t0Ms} is not a whole second in ms`);
    this.starts = phases.map((p) => t0Ms + 1000 * p.offsetS);
    this.spanMs = phases.map((p) => 1000 * p.durationS);
    this.withEvents = [];
    let next = 0;
    streamPhases.forEach((sp, i) => {
      if (sp.firstG !== next) throw new RangeError(`schedule: phase ${i} starts at g ${sp.firstG}, expected ${next}`);
      next += sp.events;
      if (sp.events > 0) this.withEvents.push(i);
    });
    this.totalEvents = next;
  }

  /** The index of the phase whose range holds g. */
  phaseOf(g: number): number {
    if (!(g >= 0 && g < this.totalEvents) || !Number.isInteger(g)) {
      throw new RangeError(`event ${g} is outside the schedule [0, ${this.totalEvents})`);
    }
    const w = this.withEvents;
    let lo = 0;
    let hi = w.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.streamPhases[w[mid]!]!.firstG <= g) lo = mid;
      else hi = mid - 1;
    }
    return w[lo]!;
  }

  /** t0 + 1000 × offsetS(p) + floor(1000 × (g − firstG(p)) × D(p) / N(p)), in unix ms. */
  scheduledTimeOf(g: number): number {
    return this.timeIn(this.phaseOf(g), g);
  }

  profileOf(g: number): DataProfile {
    return this.phases[this.phaseOf(g)]!.profile;
  }

  /** Unix ms when phase p starts. */
  phaseStartMs(p: number): number {
    return this.starts[p]!;
  }

  /** The scheduled time of g, knowing its phase (for loops that walk a phase). */
  timeIn(p: number, g: number): number {
    const sp = this.streamPhases[p]!;
    return this.starts[p]! + mulDivFloor(g - sp.firstG, this.spanMs[p]!, sp.events);
  }

  /** The first g whose scheduled time is ≥ `ms` (an integer), or `totalEvents` when there is none. */
  firstAtOrAfter(ms: number): number {
    for (const p of this.withEvents) {
      const sp = this.streamPhases[p]!;
      const start = this.starts[p]!;
      if (ms <= start) return sp.firstG;
      // floor(span·i/N) ≥ m  ⟺  span·i ≥ m·N  ⟺  i ≥ ceil(m·N / span)
      const i = mulDivCeil(ms - start, sp.events, this.spanMs[p]!);
      if (i < sp.events) return sp.firstG + i;
    }
    return this.totalEvents;
  }

  /** The events lane `lane` of `lanes` owns in phase p. */
  laneEventsInPhase(p: number, lane: number, lanes: number): number {
    const sp = this.streamPhases[p]!;
    return laneCount(lane, lanes, sp.firstG, sp.firstG + sp.events);
  }
}
