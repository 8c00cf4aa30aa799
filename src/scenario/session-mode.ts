// Whether a run is in session mode (SPEC §7.5) and its sessions: an explicit `query_session` block, or every query
// having a `category` (the reference format's implicit sessions). Must not run anything.

import { roundHalfUp } from '../core/numbers.js';
import type { RunPlan } from './plan-types.js';
import type { ResolvedSession } from './resolved.js';

export function sessionOf(plan: RunPlan): ResolvedSession | null {
  if (plan.scenario.session) return plan.scenario.session;
  const qs = plan.scenario.queries;
  if (qs.length === 0 || !qs.every((q) => q.category !== null)) return null;
  const names = [...new Set(qs.map((q) => q.category!))];
  return { thinkTimeMs: 0, categories: names.map((name) => ({ name, iteration: 'sequential' as const, parallelism: 1,
    queries: qs.filter((q) => q.category === name) })) };
}

/**
 * Users of one query worker in each phase: `query.users` × its group's weight (rounded half up), spread over the
 * group's workers; one per worker when the phase has no `query.users`.
 */
export function usersPerPhase(plan: RunPlan, group: string, index: number): number[] {
  const g = plan.workers.query.find((w) => w.group === group);
  if (!g) throw new RangeError(`no query group ${group} in the plan`);
  const weight = plan.scenario.queryGroups.find((x) => x.name === group)?.weight ?? 1;
  return plan.scenario.phases.map((p) => {
    if (p.users === null) return 1;
    const groupUsers = roundHalfUp(p.users * weight);
    return Math.floor(groupUsers / g.count) + (index < groupUsers % g.count ? 1 : 0);
  });
}

/** Concurrent users of phase `phaseIndex` over every query worker of every group. */
export function plannedUsers(plan: RunPlan, phaseIndex: number): number {
  let n = 0;
  for (const g of plan.workers.query) {
    for (let w = 0; w < g.count; w++) n += usersPerPhase(plan, g.group, w)[phaseIndex] ?? 0;
  }
  return n;
}
