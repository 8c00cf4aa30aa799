import assert from 'node:assert/strict';
import { request, Agent } from 'undici';
import { silentLogger } from '../../../src/core/logger.js';
import { systemTimers } from '../../../src/core/timers.js';
import { Hist } from '../../../src/metrics/hist.js';
import { addQueryBlock, emptyQueryTotals, type QueryTotals } from '../../../src/metrics/query-totals.js';
import { parseWorkerSnapshot } from '../../../src/metrics/parse-worker-snapshot.js';
import type { WorkerSnapshot } from '../../../src/metrics/worker-snapshot.js';
import { QueryWorker } from '../../../src/query-runner/query-worker.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { httpTestAdapter, startDelayServer } from '../../support/http-test-target.js';
import { miniPlan } from '../../support/mini-plan.js';

const PROC = () => ({ cpuPct: 0, cpuLimitCores: 2, rssMb: 0, eventLoopDelayP99Ms: 0 });

async function runQueries(plan: RunPlan, url: string) {
  const adapter = httpTestAdapter();
  const totals = emptyQueryTotals();
  const snapshots: WorkerSnapshot[] = [];
  const worker = new QueryWorker({ plan, group: 'default', index: 0, adapter, endpoint: url, timers: systemTimers,
    logger: silentLogger, sampleProc: PROC,
    publish: async (s) => {
      const parsed = parseWorkerSnapshot(JSON.parse(JSON.stringify(s)));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      snapshots.push(parsed.snapshot);
      if (parsed.snapshot.query) addQueryBlock(totals, parsed.snapshot.query);
      for (const l of Object.values(parsed.snapshot.late ?? {})) if (l.query) addQueryBlock(totals, l.query);
    } });
  const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  const done = await worker.run(t0);
  await adapter.close();
  return { done: done.query!, totals, snapshots, t0 };
}

const sum = (t: QueryTotals) => ({ due: t.due, started: t.started, ok: t.ok, errors: t.errors, timeouts: t.timeouts, dropped: t.dropped });

describe('query worker: open loop against a local HTTP server (SPEC §7.4)', function () {
  this.timeout(60_000);

  it('records the stall in latency (from due time) while service time stays small; a closed loop hides it', async () => {
    // every 5 s the server holds all responses until the end of a 1 s stall
    const stallOf = (now: number) => (now % 5000 < 1000 ? 1000 - (now % 5000) : 2);
    const server = await startDelayServer(stallOf);
    try {
      const plan = miniPlan([{ name: 'steady', durationS: 10, eps: 10, qps: 40 }], { run: 'co', freshness: false });
      const { done, totals } = await runQueries(plan, server.url);
      assert.equal(done.due, 400);
      assert.equal(done.ok, 400);
      const p99 = totals.latency.percentileMs(99)!;
      const serviceP50 = totals.serviceTime.percentileMs(50)!;
      assert.ok(p99 >= 900, `open-loop latency p99 ${p99} ms reflects the 1 s stall`);
      assert.ok(serviceP50 < 50, `service time p50 ${serviceP50} ms stays small`);

      // closed loop: one request after another for the same 10 s, timed from its own send
      const closed = new Hist();
      const agent = new Agent({ connections: 1 });
      const end = Date.now() + 10_000;
      while (Date.now() < end) {
        const t = performance.now();
        const res = await request(`${server.url}/q`, { method: 'POST', body: '{}', dispatcher: agent });
        await res.body.text();
        closed.recordMs(performance.now() - t);
      }
      await agent.close();
      const closedP99 = closed.percentileMs(99)!;
      assert.ok(closedP99 < 100, `closed-loop p99 ${closedP99} ms hides the stall (${closed.count} requests)`);
    } finally {
      await server.stop();
    }
  });

  it('drops arrivals beyond max_in_flight and counts them; counts timeouts as timeouts, not errors', async () => {
    const server = await startDelayServer(() => Infinity); // hangs
    try {
      const plan = miniPlan([{ name: 'hang', durationS: 3, eps: 10, qps: 20 }],
        { run: 'drop', freshness: false, maxInFlight: 5, timeoutMs: 1500 });
      const { done, totals, snapshots } = await runQueries(plan, server.url);
      assert.equal(done.due, 60);
      assert.ok(done.dropped > 0, 'arrivals dropped');
      assert.equal(done.started + done.dropped, 60);
      assert.equal(done.timeouts, done.started, 'every started query timed out');
      assert.equal(done.errors, 0);
      assert.deepEqual(sum(totals), { due: 60, started: done.started, ok: 0, errors: 0, timeouts: done.started, dropped: done.dropped });
      assert.equal(totals.errorClasses.get('timeout'), done.started);
      assert.ok(snapshots.some((s) => s.late && Object.keys(s.late).length > 0), 'timeouts completing later travel in late');
    } finally {
      await server.stop();
    }
  });
});
