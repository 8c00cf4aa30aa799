import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { silentLogger } from '../../../src/core/logger.js';
import { systemTimers } from '../../../src/core/timers.js';
import { addQueryBlock, emptyQueryTotals } from '../../../src/metrics/query-totals.js';
import { SessionWorker } from '../../../src/query-runner/session-worker.js';
import { sessionOf, usersPerPhase } from '../../../src/scenario/session-mode.js';
import { loadScenarioFile } from '../../../src/scenario/load-scenario.js';
import { buildPlan } from '../../../src/scenario/plan.js';
import { resolveScenario } from '../../../src/scenario/resolve.js';
import { httpTestAdapter, startDelayServer } from '../../support/http-test-target.js';

describe('session mode (SPEC §7.5)', function () {
  this.timeout(60_000);

  it('runs ticks per user — parallelism queries per category, think time between — with page latency and per-category results', async () => {
    const loaded = loadScenarioFile('test/fixtures/scenarios/session.yaml');
    const scenario = resolveScenario(loaded.doc, { baseDir: loaded.baseDir, durationScale: 0.05 });
    scenario.session!.thinkTimeMs = 200;
    const plan = buildPlan(scenario, { runName: 'session', runId: 'id', durationScale: 0.05, rateScale: 1,
      ingestWorkers: 0, threads: 1, queryWorkers: 2 });
    assert.deepEqual(plan.phases.map((p) => p.durationS), [2, 3, 3, 3]);
    assert.deepEqual(usersPerPhase(plan, 'default', 0), [1, 1, 4, 1]);
    assert.equal(sessionOf(plan)!.categories.length, 2);

    const server = await startDelayServer(() => 50);
    const adapter = httpTestAdapter();
    const totals = emptyQueryTotals();
    const perSecond = new Map<number, number>();
    try {
      const worker = new SessionWorker({ plan, group: 'default', index: 0, adapter, endpoint: server.url,
        timers: systemTimers, logger: silentLogger, sampleProc: () => ({ cpuPct: 0, cpuLimitCores: 1, rssMb: 0, eventLoopDelayP99Ms: 0 }),
        publish: async (s) => {
          if (s.query) {
            addQueryBlock(totals, s.query);
            perSecond.set(s.second, s.query.started);
          }
          for (const l of Object.values(s.late ?? {})) if (l.query) addQueryBlock(totals, l.query);
        } });
      const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
      const abort = new AbortController();
      const done = (await worker.run(t0, abort.signal)).query!;
      assert.equal(getEventListeners(abort.signal, 'abort').length, 0, 'no abort listener is left behind (think time adds one per tick)');
      assert.equal(done.started, done.ok);
      assert.equal(done.due, done.started);
      const ticks = totals.page.count;
      assert.ok(ticks > 10, `ticks ${ticks}`);
      assert.equal(totals.byCategory.get('alert_view')!.ok, ticks);
      assert.equal(totals.byCategory.get('summary_widgets')!.ok, 2 * ticks);
      assert.ok(totals.page.percentileMs(50)! >= 50, 'a page takes at least one query round trip');
      assert.ok(totals.latency.percentileMs(50)! >= 50);
      const t0s = t0 / 1000;
      const busy = (perSecond.get(t0s + 6) ?? 0) + (perSecond.get(t0s + 7) ?? 0);
      const calm = (perSecond.get(t0s + 9) ?? 0) + (perSecond.get(t0s + 10) ?? 0);
      assert.ok(busy > 2 * calm, `4 users issue more than 1 (busy ${busy}, calm ${calm})`);
    } finally {
      await adapter.close();
      await server.stop();
    }
  });
});
