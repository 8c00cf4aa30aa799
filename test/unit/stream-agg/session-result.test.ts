import assert from 'node:assert/strict';
import { rebuildRun } from '../../../src/report/rebuild-run.js';
import { validateRunJson } from '../../../src/report/run-json-schema.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { recordLine, type RawRecord } from '../../../src/stream-agg/records.js';
import { plannedUsers, usersPerPhase } from '../../../src/scenario/session-mode.js';
import {
  analyse, closeTo, GENERATED_AT, goldenPlan, histMs, steadyRun, times, type SecondContext,
} from '../../support/run-records.js';

// The `session` member of run.json (SPEC §7.5, §13): page latency = tick duration, counted in the second the tick
// started, warm-up excluded, per phase with the planned users.
//
// Run S: query-only, two query workers (query-0, query-1), think time 250 ms.
//   warmup    [0, 5)    users unset (one per worker)   every worker: one 5000 ms tick per second (excluded)
//   baseline  [5, 15)   users 3                        query-0: 2 × 100 ms per second; query-1: 1 × 200 ms per second,
//                                                      plus one 900 ms tick started in rel 14 that finished late
//                                                      (in query-1's `late` entry of the snapshot of rel 15)
//   overlap   [15, 25)  users 8                        query-0: 4 × 300 ms, query-1: 4 × 400 ms per second; in the
//                                                      last second one of them is slow: query-0 1200 ms, query-1 1500 ms
// Baseline: 31 ticks = 20 × 100, 10 × 200, 1 × 900 → p50 (rank 16) 100, p99 (rank 31) 900.
// Overlap: 80 ticks = 39 × 300, 39 × 400, 1200, 1500 → p50 (rank 40) 400, p99 (rank 80) 1500.
// Run: 111 ticks → p50 (rank 56) 300, p99 (rank 110) 1200, max 1500. Warm-up's 5000 ms ticks appear nowhere.

const LATE_REL = 14;

function pageOf(c: SecondContext): number[] {
  const q0 = c.worker.id === 'query-0';
  switch (c.phase.name) {
    case 'warmup': return [5000];
    case 'baseline': return q0 ? times(2, 100) : [200];
    default:
      if (c.k === 9) return q0 ? [...times(3, 300), 1200] : [...times(3, 400), 1500];
      return times(4, q0 ? 300 : 400);
  }
}

function sessionPlan(o: { thinkTimeMs?: number } = {}): RunPlan {
  const plan = goldenPlan({
    queryOnly: true, queryWorkers: 2,
    phases: [{ name: 'warmup', durationS: 5, qps: 2, role: 'warmup' }, { name: 'baseline', durationS: 10, qps: 2 },
      { name: 'overlap', durationS: 10, qps: 2 }],
  });
  const users = [null, 3, 8];
  plan.scenario.phases.forEach((p, i) => { p.users = users[i]!; });
  plan.scenario.session = { thinkTimeMs: o.thinkTimeMs ?? 250, categories: [
    { name: 'alerts', iteration: 'sequential', parallelism: 1, queries: [plan.scenario.queries[0]!] },
  ] };
  return plan;
}

/** Run S: the steady run of the plan with each snapshot's `page` set by `pageOf`, and the late 900 ms tick. */
function sessionRecords(plan: RunPlan): RawRecord[] {
  const pages = new Map<string, number[]>();
  const r = steadyRun(plan, {
    query: (c) => {
      pages.set(`${c.worker.id}@${c.second}`, pageOf(c));
      return { due: 2, started: 2, latencyMs: times(2, 50) };
    },
    late: (c) => (c.worker.id === 'query-1' && c.rel === LATE_REL + 1 ? new Map([[LATE_REL, { query: {} }]]) : undefined),
  });
  for (const rec of r.records) {
    if (rec.kind !== 'worker' || !rec.query) continue;
    const ms = pages.get(`${rec.worker}@${rec.second}`);
    if (ms) rec.query.page = histMs(ms);
    const late = rec.late?.[String(r.sec(LATE_REL))]?.query;
    if (late) late.page = histMs([900]);
  }
  return r.records;
}

describe('run.json session: page latency of session mode (SPEC §7.5)', () => {
  const plan = sessionPlan();
  const records = sessionRecords(plan);
  const run = analyse(plan, records);

  it('totals the ticks of the counted seconds, late ones included, warm-up left out', () => {
    const s = run.session!;
    assert.equal(s.think_time_ms, 250);
    assert.equal(s.ticks, 111);
    closeTo(s.page_p50_ms, 300, 'page p50');
    closeTo(s.page_p99_ms, 1200, 'page p99');
    closeTo(s.page_max_ms, 1500, 'page max (the warm-up 5000 ms ticks do not count)');
  });

  it('gives each non-warm-up phase its planned users, ticks and page percentiles, in timeline order', () => {
    const phases = run.session!.phases;
    assert.deepEqual(Object.keys(phases), ['baseline', 'overlap']);
    assert.deepEqual([phases.baseline!.users, phases.baseline!.ticks], [3, 31]);
    closeTo(phases.baseline!.page_p50_ms, 100, 'baseline p50');
    closeTo(phases.baseline!.page_p99_ms, 900, 'baseline p99 (the late tick)');
    assert.deepEqual([phases.overlap!.users, phases.overlap!.ticks], [8, 80]);
    closeTo(phases.overlap!.page_p50_ms, 400, 'overlap p50');
    closeTo(phases.overlap!.page_p99_ms, 1500, 'overlap p99');
  });

  it('is a valid run.json by the published schema', () => {
    assert.deepEqual(validateRunJson(run), []);
  });

  it('computes no achieved ratio against the open-loop arrivals, which a session never aims at', () => {
    for (const id of ['query-0', 'query-1']) {
      assert.ok(run.workers[id]!.query!.started > 0);
      assert.equal(run.workers[id]!.query!.achieved_ratio, null, `${id} achieved_ratio`);
    }
    assert.equal(run.derived['query.throughput_ratio'], null);
    assert.equal(run.derived['query.goodput_ratio'], null);
  });

  it('is rebuilt the same from snapshots.jsonl lines (the `report` path)', () => {
    const rebuilt = rebuildRun(plan, records.map(recordLine), { version: '0.0.0-test', generatedAt: GENERATED_AT });
    assert.deepEqual(rebuilt.session, run.session);
    assert.equal(JSON.stringify(rebuilt), JSON.stringify(run));
  });

  it('is null when the scenario is not in session mode', () => {
    const plain = goldenPlan({ queryOnly: true, phases: [{ name: 'baseline', durationS: 10, qps: 2 }] });
    const result = analyse(plain, steadyRun(plain).records);
    assert.equal(result.session, null);
    assert.deepEqual(validateRunJson(result), []);
  });

  it('is present with think time 0 when every query has a category and there is no query_session block', () => {
    const implicit = goldenPlan({ queryOnly: true, phases: [{ name: 'baseline', durationS: 10, qps: 2 }] });
    implicit.scenario.queries[0]!.category = 'alerts';
    const result = analyse(implicit, steadyRun(implicit).records);
    assert.deepEqual(result.session, { think_time_ms: 0, ticks: 0, page_p50_ms: null, page_p99_ms: null, page_max_ms: null,
      phases: { baseline: { users: 1, ticks: 0, page_p50_ms: null, page_p99_ms: null } } });
  });

  it('has no tick and null percentiles, but the planned users, for a run that never started', () => {
    const never = analyse(plan, []);
    assert.deepEqual(never.session, { think_time_ms: 250, ticks: 0, page_p50_ms: null, page_p99_ms: null, page_max_ms: null,
      phases: { baseline: { users: 3, ticks: 0, page_p50_ms: null, page_p99_ms: null },
        overlap: { users: 8, ticks: 0, page_p50_ms: null, page_p99_ms: null } } });
  });
});

describe('session users per phase (scenario/session-mode)', () => {
  it('adds up the users every session worker runs: query.users × group weight rounded half up, or one per worker', () => {
    const plan = goldenPlan({
      queryOnly: true, queryWorkers: 3, groups: [{ name: 'sre', weight: 0.5 }, { name: 'devs', weight: 0.5 }],
      phases: [{ name: 'baseline', durationS: 10, qps: 2 }, { name: 'busy', durationS: 10, qps: 2 }, { name: 'calm', durationS: 10, qps: 2 }],
    });
    const users = [null, 7, 1];
    plan.scenario.phases.forEach((p, i) => { p.users = users[i]!; });
    const byWorkers = plan.phases.map((_, i) => plan.workers.query.reduce((a, g) =>
      a + Array.from({ length: g.count }, (_x, w) => usersPerPhase(plan, g.group, w)[i]!).reduce((x, y) => x + y, 0), 0));
    // null: 3 workers × 2 groups; 7 × 0.5 = 3.5 → 4 per group; 1 × 0.5 = 0.5 → 1 per group.
    assert.deepEqual(byWorkers, [6, 8, 2]);
    assert.deepEqual(plan.phases.map((_, i) => plannedUsers(plan, i)), byWorkers);
  });
});
