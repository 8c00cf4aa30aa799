// The run's phases on the wall clock (SPEC §10.2: a second's phase comes from the plan's table, t0 + 1000 × offsetS,
// never from a snapshot) with their scorecard roles and exact targets. Must not read measured data.

import type { PhaseRole } from '../scenario/schema.js';
import type { RunPlan } from '../scenario/plan-types.js';

export interface TimelinePhase {
  index: number;
  name: string;
  displayName: string;
  role: PhaseRole | null;
  /** First second (unix s) and one past the last. */
  startS: number;
  endS: number;
  durationS: number;
  targetEps: number;
  targetQps: number;
  /** Exact target events (Σ streams). */
  events: number;
  /** Exact target query arrivals (Σ workers and groups). */
  arrivals: number;
  /** Exact target arrivals per query group. */
  arrivalsByGroup: Map<string, number>;
  /** Exact target events per stream. */
  eventsByStream: Map<string, number>;
}

export class Timeline {
  readonly phases: TimelinePhase[];
  readonly startS: number;
  readonly endS: number;

  constructor(plan: RunPlan, t0Ms: number) {
    this.startS = Math.floor(t0Ms / 1000);
    this.phases = plan.phases.map((p, i) => {
      const byGroup = new Map<string, number>();
      for (const r of plan.queryRates) byGroup.set(r.group, (byGroup.get(r.group) ?? 0) + (r.arrivals[i] ?? 0));
      const byStream = new Map(plan.streams.map((s) => [s.name, s.phases[i]?.events ?? 0]));
      return {
        index: i, name: p.name, displayName: plan.scenario.phases[i]?.displayName ?? p.name, role: p.role ?? null,
        startS: this.startS + p.offsetS, endS: this.startS + p.offsetS + p.durationS, durationS: p.durationS,
        targetEps: p.targetEps, targetQps: p.targetQps, events: p.events,
        arrivals: [...byGroup.values()].reduce((a, b) => a + b, 0), arrivalsByGroup: byGroup, eventsByStream: byStream,
      };
    });
    this.endS = this.phases.length > 0 ? this.phases[this.phases.length - 1]!.endS : this.startS;
  }

  /** The phase containing `second`, or null outside the timeline. */
  phaseAt(second: number): TimelinePhase | null {
    if (second < this.startS || second >= this.endS) return null;
    for (const p of this.phases) if (second >= p.startS && second < p.endS) return p;
    return null;
  }

  /** The phase playing `role`, or null. */
  byRole(role: PhaseRole): TimelinePhase | null {
    return this.phases.find((p) => p.role === role) ?? null;
  }

  byName(name: string): TimelinePhase | null {
    return this.phases.find((p) => p.name === name) ?? null;
  }

  /** True for seconds of warm-up phases (excluded from every metric, SPEC §3.2). */
  isWarmup(second: number): boolean {
    return this.phaseAt(second)?.role === 'warmup';
  }

  /** Every second of the phase, ascending. */
  static secondsOf(p: TimelinePhase): number[] {
    return Array.from({ length: p.endS - p.startS }, (_, i) => p.startS + i);
  }
}
