// Scorecard roles B, O, R and warm-up phases (SPEC §3.2) resolved from phase names, explicit
// `role:` keys and target QPS. Must not compute any metric.

import type { PhaseRole } from './schema.js';

export interface RolePhase {
  name: string;
  role: PhaseRole | null; // explicit
  targetQps: number;
}

export interface ScorecardRoles {
  baseline: number | null; // phase index
  overlap: number | null;
  recovery: number | null;
  warmup: number[];
  /** The role each phase plays ('warmup' included), by index. */
  byPhase: (PhaseRole | null)[];
}

export function resolveRoles(phases: readonly RolePhase[]): ScorecardRoles {
  const warm = phases.map((p) => p.role === 'warmup' || (p.role === null && p.name === 'warmup'));
  const explicit = (r: PhaseRole) => phases.findIndex((p) => p.role === r);
  const named = (n: string) => phases.findIndex((p, i) => p.name === n && p.role === null && !warm[i]);
  const pick = (r: PhaseRole, fallback: () => number): number | null => {
    const e = explicit(r);
    if (e >= 0) return e;
    const n = named(r);
    if (n >= 0) return n;
    const f = fallback();
    return f >= 0 ? f : null;
  };
  const free = (i: number) => !warm[i] && phases[i]!.role === null;
  const baseline = pick('baseline', () => phases.findIndex((_, i) => free(i)));
  const overlap = pick('overlap', () => {
    if (baseline === null) return -1;
    let best = -1;
    for (let i = baseline + 1; i < phases.length; i++) {
      if (!free(i)) continue;
      if (best < 0 || phases[i]!.targetQps > phases[best]!.targetQps) best = i;
    }
    return best;
  });
  const recovery = pick('recovery', () => {
    if (overlap === null) return -1;
    const i = overlap + 1;
    return i < phases.length && free(i) ? i : -1;
  });
  const byPhase = phases.map((_, i): PhaseRole | null =>
    warm[i] ? 'warmup' : i === baseline ? 'baseline' : i === overlap ? 'overlap' : i === recovery ? 'recovery' : null);
  return { baseline, overlap, recovery, warmup: warm.flatMap((w, i) => (w ? [i] : [])), byPhase };
}
