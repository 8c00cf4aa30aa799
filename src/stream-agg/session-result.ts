// The `session` member of run.json (SPEC §7.5, §13): think time and page latency — the duration of a simulated
// user's tick — over the counted seconds and per non-warm-up phase, with the users the plan gives each phase.
// Must not read files, clocks or Kafka, nor run or reshape the sessions (query-runner/session-worker.ts does).

import { Hist } from '../metrics/hist.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { plannedUsers, sessionOf } from '../scenario/session-mode.js';
import type { RunAggregator } from './run-aggregator.js';
import type { SessionJson, SessionPhaseJson } from './run-result-types.js';
import { Timeline } from './timeline.js';

/**
 * null when the plan is not in session mode. Ticks count in the due second they started (as the worker accounts
 * them); warm-up phases are left out of the totals and of `phases`, like every metric (SPEC §3.2), so the totals
 * cover exactly the counted seconds that `categories` covers. `started` false (no t0): no tick.
 */
export function sessionResult(plan: RunPlan, agg: RunAggregator, timeline: Timeline, started: boolean): SessionJson | null {
  const session = sessionOf(plan);
  if (session === null) return null;
  const total = new Hist();
  const phases: Record<string, SessionPhaseJson> = {};
  for (const p of timeline.phases) {
    if (p.role === 'warmup') continue;
    const page = new Hist();
    if (started) for (const s of Timeline.secondsOf(p)) agg.bucket(s)?.query?.page.addTo(page);
    total.add(page);
    phases[p.name] = { users: plannedUsers(plan, p.index), ticks: page.count, page_p50_ms: page.percentileMs(50),
      page_p99_ms: page.percentileMs(99) };
  }
  return { think_time_ms: session.thinkTimeMs, ticks: total.count, page_p50_ms: total.percentileMs(50),
    page_p99_ms: total.percentileMs(99), page_max_ms: total.percentileMs(100), phases };
}

