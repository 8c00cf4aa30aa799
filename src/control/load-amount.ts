// How much `incidentbench load` produces and when its events are timed (SPEC §5.1, §14 `load`): events per stream
// from --count / --seconds / the planned timeline, and the t0 that makes the last loaded event due about now.
// Pure arithmetic over the plan; must not read clocks, talk to Kafka or the target.

import { UsageError } from '../core/errors.js';
import { StreamSchedule } from '../generators/schedule.js';
import type { PlanPhase, PlanStream, RunPlan } from '../scenario/plan-types.js';

/** What the user asked for: N events per stream, S seconds of the baseline rate, or (neither) the whole timeline. */
export type LoadAmount = { count: number } | { seconds: number } | Record<string, never>;

export interface StreamLoad {
  stream: string;
  /** Events g = 0 … count − 1 of the stream are produced. */
  count: number;
}

/**
 * The phase whose rate `--seconds` uses: the one with role baseline, else the one named "baseline" — if the stream
 * ingests in it; otherwise the first phase in which the stream ingests.
 */
export function baselinePhase(phases: readonly PlanPhase[], stream: PlanStream): number {
  const ingests = (i: number) => i >= 0 && (stream.phases[i]?.targetEps ?? 0) > 0;
  const byRole = phases.findIndex((p) => p.role === 'baseline');
  if (ingests(byRole)) return byRole;
  const byName = phases.findIndex((p) => p.name === 'baseline');
  if (ingests(byName)) return byName;
  return Math.max(0, stream.phases.findIndex((p) => p.targetEps > 0));
}

/**
 * Events per stream. Default: every event the plan schedules for the stream (its whole timeline, scaled).
 * `--count N`: N per stream. `--seconds S`: round(S × the stream's EPS in its baseline phase). More events than the
 * stream's timeline holds is a usage error (g beyond the timeline has no phase, hence no time or profile): scale
 * the timeline up with --duration-scale / --rate-scale instead.
 */
export function loadCounts(plan: RunPlan, amount: LoadAmount): StreamLoad[] {
  const out: StreamLoad[] = [];
  const problems: string[] = [];
  for (const s of plan.streams) {
    const total = s.phases.reduce((n, p) => n + p.events, 0);
    let count = total;
    if ('count' in amount) count = amount.count;
    else if ('seconds' in amount) count = Math.round(amount.seconds * s.phases[baselinePhase(plan.phases, s)]!.targetEps);
    if (count > total) {
      const asked = 'count' in amount ? `--count ${amount.count}` : `--seconds ${(amount as { seconds: number }).seconds} (${count} events)`;
      problems.push(`${asked} is more than the ${total} events stream ${JSON.stringify(s.name)} plans over its timeline; `
        + 'expected at most that, or a longer timeline via --duration-scale / --rate-scale');
    }
    out.push({ stream: s.name, count });
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return out;
}

/** --count and --seconds exclude each other; a one-line UsageError when both are given. */
export function loadAmountOf(flags: { count?: number; seconds?: number }): LoadAmount {
  if (flags.count !== undefined && flags.seconds !== undefined) {
    throw new UsageError(`--count ${flags.count} and --seconds ${flags.seconds} exclude each other: give one of them, or neither for the whole timeline`);
  }
  if (flags.count !== undefined) return { count: flags.count };
  if (flags.seconds !== undefined) return { seconds: flags.seconds };
  return {};
}

/**
 * The load's t0 (unix ms, a whole second): events keep their scheduled spacing (SPEC §5.1) and the latest loaded
 * event of any stream is due at most at `nowMs`, so the data ends "now" and a query-only scenario's recent time
 * ranges (last minutes) hit it. With nothing to load, t0 is the start of the current second.
 */
export function loadT0(plan: RunPlan, loads: readonly StreamLoad[], nowMs: number): number {
  let lastOffsetMs = 0;
  plan.streams.forEach((s, i) => {
    const n = loads[i]?.count ?? 0;
    if (n === 0) return;
    const schedule = new StreamSchedule(0, plan.phases, s.phases);
    lastOffsetMs = Math.max(lastOffsetMs, schedule.timeIn(schedule.phaseOf(n - 1), n - 1));
  });
  return Math.floor((nowMs - lastOffsetMs) / 1000) * 1000;
}
