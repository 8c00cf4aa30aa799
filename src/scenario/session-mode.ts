// Whether a run is in session mode (SPEC §7.5) and its sessions: an explicit `query_session` block, or every query
// having a `category` (the reference format's implicit sessions). Must not run anything.

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
