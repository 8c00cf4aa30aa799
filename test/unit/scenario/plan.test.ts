import assert from 'node:assert/strict';
import { loadScenarioFile, loadScenarioText } from '../../../src/scenario/load-scenario.js';
import { buildPlan, laneEvents, planHash } from '../../../src/scenario/plan.js';
import type { PlanOptions } from '../../../src/scenario/plan.js';
import { resolveScenario } from '../../../src/scenario/resolve.js';
import { scenarioText } from '../../support/scenario-text.js';

function plan(text: string, o: Partial<PlanOptions> & { durationScale?: number; rateScale?: number } = {}) {
  const loaded = loadScenarioText(text, 'unit.yaml', '.');
  const scenario = resolveScenario(loaded.doc, { baseDir: '.', durationScale: o.durationScale ?? 1,
    rateScale: o.rateScale ?? 1 });
  return buildPlan(scenario, { runName: 'unit', runId: '00000000-0000-4000-8000-000000000000', durationScale: 1,
    rateScale: 1, ingestWorkers: 1, threads: 1, queryWorkers: 1, ...o });
}

describe('run plan (SPEC §4)', () => {
  it('totals 13 500 000 events over 600 s for the flagship scenario at scale 1', () => {
    const loaded = loadScenarioFile('scenarios/sre-outage.yaml');
    const p = buildPlan(resolveScenario(loaded.doc, { baseDir: 'scenarios' }), {
      runName: 'x', runId: 'id', durationScale: 1, rateScale: 1, ingestWorkers: 10, threads: 2, queryWorkers: 4 });
    assert.equal(p.totals.events, 13_500_000);
    assert.equal(p.totals.durationS, 600);
    assert.deepEqual(p.phases.map((ph) => ph.events), [600_000, 900_000, 4_500_000, 6_000_000, 900_000, 600_000]);
    assert.deepEqual(p.phases.map((ph) => ph.role ?? null), ['baseline', null, null, 'overlap', 'recovery', null]);
  });

  const awkward: [string, Partial<PlanOptions> & { durationScale?: number; rateScale?: number }, number[]][] = [
    ['7 workers × 3 threads', { ingestWorkers: 7, threads: 3 }, [100, 333, 1000, 1000, 7, 1]],
    ['rate 1 EPS over 21 lanes', { ingestWorkers: 7, threads: 3 }, [1, 1, 1, 1, 1, 1]],
    ['rate_scale 0.013', { ingestWorkers: 7, threads: 3, rateScale: 0.013 }, [5000, 15000, 50000, 50000, 10000, 5000]],
    ['rate_scale 0.013 and duration_scale 0.37 on 5 × 2', { ingestWorkers: 5, threads: 2, rateScale: 0.013,
      durationScale: 0.37 }, [5000, 15000, 50000, 50000, 10000, 5000]],
  ];
  for (const [name, opts, eps] of awkward) {
    it(`sums lane counts exactly to each phase's events for ${name}`, () => {
      const p = plan(scenarioText({ eps, durations: [120, 60, 90, 120, 90, 120] }), opts);
      const lanes = (opts.ingestWorkers ?? 1) * (opts.threads ?? 1);
      assert.equal(p.lanes.length, lanes);
      p.phases.forEach((ph, i) => {
        const sum = p.lanes.reduce((a, l) => a + l.events[i]!, 0);
        assert.equal(sum, ph.events, `phase ${ph.name}`);
        assert.ok(Number.isInteger(ph.events));
        const counts = p.lanes.map((l) => l.events[i]!);
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, 'lanes differ by at most one event');
      });
      let g = 0;
      for (const s of p.streams[0]!.phases) {
        assert.equal(s.firstG, g);
        g += s.events;
      }
      assert.equal(g, p.totals.events);
    });
  }

  it('rounds scaled counts half up: 0.013 × 5000 EPS × 120 s = 7 800 events', () => {
    const p = plan(scenarioText({ eps: [5000, 1, 1, 1, 1, 1], durations: [120, 30, 30, 30, 30, 30] }), { rateScale: 0.013 });
    assert.equal(p.phases[0]!.events, 7800);
    assert.equal(p.phases[1]!.events, 0); // 0.013 × 1 × 30 = 0.39 → 0
  });

  it('rounds scaled durations half up with a minimum of 1 s', () => {
    const p = plan(scenarioText({ durations: [120, 60, 90, 5, 1, 3] }), { durationScale: 0.1 });
    assert.deepEqual(p.phases.map((ph) => ph.durationS), [12, 6, 9, 1, 1, 1]);
    assert.deepEqual(p.phases.map((ph) => ph.offsetS), [0, 12, 18, 27, 28, 29]);
  });

  it('counts lane events as the g ≡ lane (mod L) in the phase range', () => {
    for (const [first, count, lanes] of [[0, 10, 3], [7, 13, 4], [5, 0, 2], [1, 1, 21]] as const) {
      for (let lane = 0; lane < lanes; lane++) {
        let n = 0;
        for (let g = first; g < first + count; g++) if (g % lanes === lane) n++;
        assert.equal(laneEvents(first, count, lane, lanes), n, `first=${first} count=${count} lane=${lane}/${lanes}`);
      }
    }
  });

  it('splits QPS per group by weight then evenly over workers, with exact arrivals per phase', () => {
    const text = scenarioText({ qps: [5, 5, 15, 40, 20, 5], durations: [120, 60, 90, 120, 90, 120],
      extra: `query_groups:
  - { name: sre, weight: 0.75 }
  - { name: devs, weight: 0.25 }
` });
    const p = plan(text, { queryWorkers: 3 });
    assert.equal(p.queryRates.length, 6);
    const sre0 = p.queryRates.find((r) => r.group === 'sre' && r.worker === 0)!;
    assert.equal(sre0.qps[3], 10); // 40 × 0.75 / 3
    assert.equal(sre0.arrivals[3], 1200);
    const devs = p.queryRates.find((r) => r.group === 'devs')!;
    assert.ok(Math.abs(devs.qps[0]! - 5 * 0.25 / 3) < 1e-12);
    assert.equal(devs.arrivals[0], 50); // 0.41666… × 120 = 50
    assert.equal(p.totals.queries, p.queryRates.reduce((a, r) => a + r.arrivals.reduce((x, y) => x + y, 0), 0));
  });

  it('names topics per run and per stream, and defaults partitions to max(lanes, 4)', () => {
    const p = plan(scenarioText(), { ingestWorkers: 3, threads: 2 });
    assert.equal(p.streams[0]!.topic, 'ib.unit.events');
    assert.equal(p.streams[0]!.partitions, 6);
    assert.deepEqual(p.kafka.topics, { control: 'ib.unit.control', metrics: 'ib.unit.metrics', live: 'ib.unit.live' });
    assert.equal(plan(scenarioText()).streams[0]!.partitions, 4);
  });

  it('hashes the canonical plan: equal plans hash equal, any change changes the hash', () => {
    const a = plan(scenarioText());
    const b = plan(scenarioText());
    assert.equal(planHash(a), planHash(b));
    assert.match(planHash(a), /^[0-9a-f]{64}$/);
    const c = plan(scenarioText({ eps: [101] }));
    assert.notEqual(planHash(a), planHash(c));
  });
});
