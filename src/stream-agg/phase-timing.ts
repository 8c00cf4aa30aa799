// When each worker switched phase, on the coordinator's clock (SPEC §9 clock offsets), and what follows from it:
// per-phase skew between workers, measured phase durations (SPEC §12.1 clock accuracy) and harness.phase_skew_ms.
// Must not judge validity.

import type { RunAggregator } from './run-aggregator.js';
import type { Timeline } from './timeline.js';

export interface PhaseTiming {
  name: string;
  /** Switch times into this phase per worker, coordinator clock, unix ms. */
  switches: Map<string, number>;
  firstSwitchAt: number | null;
  /** max − min of the switch times, ms; null with fewer than 2 workers reporting. */
  skewMs: number | null;
  /** First switch into this phase → first switch into the next (last phase: → last `done`), s. */
  measuredS: number | null;
}

export function phaseTimings(agg: RunAggregator, timeline: Timeline): PhaseTiming[] {
  const names = new Set(timeline.phases.map((p) => p.name));
  const switches = new Map<string, Map<string, number>>(timeline.phases.map((p) => [p.name, new Map()]));
  for (const second of agg.seconds()) {
    const b = agg.bucket(second)!;
    for (const w of b.workers.values()) {
      if (w.phaseSwitchAt === null) continue;
      const name = w.phase !== null && names.has(w.phase) ? w.phase : timeline.phaseAt(second)?.name;
      if (name === undefined) continue;
      const at = w.phaseSwitchAt + agg.control.offsetOf(w.worker);
      const m = switches.get(name)!;
      const prev = m.get(w.worker);
      if (prev === undefined || at < prev) m.set(w.worker, at);
    }
  }
  const firsts = timeline.phases.map((p) => {
    const v = [...switches.get(p.name)!.values()];
    return v.length === 0 ? null : Math.min(...v);
  });
  const lastDone = agg.control.lastDoneAt;
  return timeline.phases.map((p, i) => {
    const m = switches.get(p.name)!;
    const v = [...m.values()];
    const first = firsts[i]!;
    const next = i + 1 < timeline.phases.length ? firsts[i + 1]! : lastDone;
    return {
      name: p.name, switches: m, firstSwitchAt: first,
      skewMs: v.length >= 2 ? Math.max(...v) - Math.min(...v) : null,
      measuredS: first !== null && next !== null && next >= first ? (next - first) / 1000 : null,
    };
  });
}

/** harness.phase_skew_ms: the largest skew of any phase change; null when no phase had 2 reports. */
export function maxPhaseSkew(t: readonly PhaseTiming[]): number | null {
  const v = t.map((x) => x.skewMs).filter((x): x is number => x !== null);
  return v.length === 0 ? null : Math.max(...v);
}
