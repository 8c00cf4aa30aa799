// The three scenario shapes of the reference format (single-stream, data_streams, query-only) and the shipped
// scenarios of each shape: validate, plan with a target, streams/lanes/workers/roles as SPEC §3.2, §3.4, §4 say.
import assert from 'node:assert/strict';
import { planFromFlags, type RunFlags } from '../../../src/cli/run-flags.js';
import { loadScenarioFile } from '../../../src/scenario/load-scenario.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { runCli } from '../../support/run-cli.js';

const REF = 'test/fixtures/scenarios/reference';
const FLAGS: RunFlags = { target: 'clickhouse', runName: 'shapes', ingestWorkers: 2, threads: 3 };
const LANES = 6;

function planOf(file: string, flags: RunFlags = FLAGS): RunPlan {
  return planFromFlags(file, flags).plan;
}

/** Phase name → role, with '-' for a phase that plays none. */
function roles(plan: RunPlan): Record<string, string> {
  return Object.fromEntries(plan.phases.map((p) => [p.name, p.role ?? '-']));
}

const SIX_ROLES = { baseline: 'baseline', incident_trigger: '-', ingestion_surge: '-', overlap: 'overlap',
  recovery: 'recovery', post_incident: '-' };

/** Every stream's lanes: `lanes` of them, numbered 0…lanes−1, whose events sum exactly to the stream's per phase. */
function assertLanesPerStream(plan: RunPlan, lanes: number): void {
  for (const s of plan.streams) {
    const own = plan.lanes.filter((l) => l.stream === s.name);
    assert.deepEqual(own.map((l) => l.lane).sort((a, b) => a - b), [...Array(lanes).keys()], `lanes of ${s.name}`);
    s.phases.forEach((ph, i) => {
      assert.equal(own.reduce((a, l) => a + l.events[i]!, 0), ph.events, `stream ${s.name} phase ${i}`);
    });
  }
  assert.equal(plan.lanes.length, lanes * plan.streams.length);
}

describe('scenario shapes of the reference format (SPEC §3.4)', () => {
  describe('single-stream form', () => {
    it('without weights: validates with no warnings, one stream named after index_name on ib.<run>.events', () => {
      const loaded = loadScenarioFile(`${REF}/single-stream.yaml`);
      assert.deepEqual(loaded.warnings, []);
      const plan = planOf(`${REF}/single-stream.yaml`);
      assert.deepEqual(plan.streams.map((s) => [s.name, s.index, s.topic, s.seed]),
        [['web-checkout-logs', 'web-checkout-logs', 'ib.shapes.events', 1234]]);
      assertLanesPerStream(plan, LANES);
      assert.deepEqual(plan.workers.ingest, { count: 2, threads: 3 });
      assert.equal(plan.target?.adapter, 'clickhouse');
      assert.deepEqual(roles(plan), SIX_ROLES);
    });

    it('without weights: every query is equally likely', () => {
      const plan = planOf(`${REF}/single-stream.yaml`);
      const weights = plan.scenario.queries.map((q) => q.weight);
      assert.equal(weights.length, 3);
      for (const w of weights) assert.ok(Math.abs(w - 1 / 3) < 1e-12, `weight ${w}`);
    });

    it('without weights: events per phase are EPS × duration and total 153 000', () => {
      const plan = planOf(`${REF}/single-stream.yaml`);
      assert.deepEqual(plan.phases.map((p) => p.events), [6000, 9000, 60_000, 60_000, 12_000, 6000]);
      assert.equal(plan.totals.events, 153_000);
    });

    it('with weights: keeps the given weights and the phase mix override', () => {
      const plan = planOf(`${REF}/single-stream-weights.yaml`);
      assert.deepEqual(plan.scenario.queries.map((q) => [q.name, q.weight]),
        [['checkout_errors', 0.5], ['errors_by_endpoint', 0.3], ['slow_requests', 0.2]]);
      assert.deepEqual(plan.scenario.phases.map((p) => p.mixOverride),
        [null, null, null, { checkout_errors: 0.7, errors_by_endpoint: 0.2, slow_requests: 0.1 }, null, null]);
      assert.equal(plan.streams.length, 1);
      assertLanesPerStream(plan, LANES);
      assert.deepEqual(roles(plan), SIX_ROLES);
    });
  });

  describe('data_streams form', () => {
    it('gives each stream its own sentinel field (trace_id, else its first hex keyword field), and says which have none', () => {
      const plan = planOf(`${REF}/data-streams.yaml`);
      assert.deepEqual(plan.streams.map((s) => [s.name, s.sentinelField]), [['web', null], ['db', null], ['auth', 'user']]);
      assert.equal(plan.harness.freshness.enabled, true, 'one stream with sentinels is enough');
      const both = planOf('scenarios/app-and-audit.yaml');
      assert.deepEqual(both.streams.map((s) => [s.name, s.sentinelField]), [['app', 'event_id'], ['audit', 'event_id']]);
      const r = runCli(['plan', `${REF}/data-streams.yaml`, '--target', 'clickhouse', '--run-name', 'shapes']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /freshness every 1 s on auth: user$/m);
      assert.match(r.stdout, /^ {2}- streams web, db have no field for sentinel ids .*: time to searchable is measured for auth only$/m);
    });

    it('plans one topic ib.<run>.events.<stream> per stream, with its own index, seed and partitions', () => {
      const plan = planOf(`${REF}/data-streams.yaml`);
      assert.deepEqual(plan.streams.map((s) => [s.name, s.index, s.topic, s.seed, s.partitions]), [
        ['web', 'pi-web', 'ib.shapes.events.web', 11, 8],
        ['db', 'pi-db', 'ib.shapes.events.db', 12, LANES],
        ['auth', 'pi-auth', 'ib.shapes.events.auth', 13, 2],
      ]);
    });

    it('gives every stream its own lanes on every ingest thread, and sums phase events over streams', () => {
      const plan = planOf(`${REF}/data-streams.yaml`);
      assertLanesPerStream(plan, LANES);
      for (let w = 0; w < 2; w++) {
        for (let t = 0; t < 3; t++) {
          const served = plan.lanes.filter((l) => l.worker === w && l.thread === t).map((l) => l.stream);
          assert.deepEqual(served, ['web', 'db', 'auth'], `worker ${w} thread ${t}`);
        }
      }
      assert.equal(plan.phases[0]!.events, 400 * 60 + 50 * 60 + 20 * 60);
      plan.phases.forEach((ph, i) => assert.equal(ph.events, plan.streams.reduce((a, s) => a + s.phases[i]!.events, 0)));
      assert.deepEqual(plan.streams[0]!.phases.map((p) => p.batchSize), [100, 500, 400, 400, 500, 100]);
      assert.deepEqual(roles(plan), SIX_ROLES);
    });

    it('in a cluster defaults the ingest workers to the streams\' ingest_replicas summed (3 + 1)', () => {
      const plan = planOf(`${REF}/data-streams.yaml`, { target: 'clickhouse', runName: 'shapes', k8s: true });
      assert.equal(plan.workers.ingest.count, 4);
    });

    it('gives stream i of several the seed S + i under --seed S', () => {
      const plan = planOf(`${REF}/data-streams.yaml`, { ...FLAGS, seed: 100 });
      assert.deepEqual(plan.streams.map((s) => s.seed), [100, 101, 102]);
    });
  });

  describe('query-only form', () => {
    it('plans no stream, no lane, no ingest worker and no events', () => {
      const plan = planOf(`${REF}/query-only.yaml`);
      assert.deepEqual(plan.streams, []);
      assert.deepEqual(plan.lanes, []);
      assert.equal(plan.workers.ingest.count, 0);
      assert.equal(plan.totals.events, 0);
      assert.equal(plan.harness.freshness.enabled, false);
      assert.equal(plan.totals.queries, 2 * 60 + 5 * 120 + 25 * 120 + 5 * 120);
    });

    it('keeps native SQL with template "" and index "" unset, and timeout 0 as the default timeout', () => {
      const plan = planOf(`${REF}/query-only.yaml`);
      const q = plan.scenario.queries;
      assert.deepEqual(q.map((x) => x.type), ['sql', 'sql', 'sql']);
      assert.equal(q[0]!.sql, 'SELECT count() FROM web_checkout_logs');
      assert.deepEqual(q.map((x) => [x.template, x.index, x.stream]), [[null, null, null], [null, null, null], [null, null, null]]);
      assert.equal(q[2]!.timeoutMs, 10_000);
    });

    it('resolves warmup / baseline / stress / recovery: stress plays the overlap role, warmup is excluded', () => {
      const plan = planOf(`${REF}/query-only.yaml`);
      assert.deepEqual(roles(plan), { warmup: 'warmup', baseline: 'baseline', stress: 'overlap', recovery: 'recovery' });
    });

    it('resolves free names by QPS: B = first non-warm-up, O = first highest QPS after B, R = the next phase', () => {
      const plan = planOf(`${REF}/query-only-free-names.yaml`);
      assert.deepEqual(roles(plan),
        { warmup: 'warmup', steady: 'baseline', spike: 'overlap', 'spike-again': 'recovery', cooldown: '-' });
    });
  });

  describe('shipped scenarios', () => {
    it('app-and-audit: two streams with their own topics, tables and lanes; queries name each index', () => {
      const plan = planOf('scenarios/app-and-audit.yaml');
      assert.deepEqual(plan.streams.map((s) => [s.name, s.index, s.topic]),
        [['app', 'ib-app-logs', 'ib.shapes.events.app'], ['audit', 'ib-audit', 'ib.shapes.events.audit']]);
      assertLanesPerStream(plan, LANES);
      const indexOf = new Map(plan.scenario.queries.map((q) => [q.name, q.index]));
      for (const s of plan.streams) {
        assert.ok([...indexOf.values()].includes(s.index), `a query names ${s.index}`);
      }
      assert.equal(plan.totals.events, 134_400);
      assert.deepEqual(roles(plan), SIX_ROLES);
      assert.equal(plan.harness.freshness.idField, 'event_id');
    });

    it('ch-query-bench: query-only, native SQL on the smoke scenario\'s ClickHouse table, stress as overlap', () => {
      const plan = planOf('scenarios/ch-query-bench.yaml');
      assert.deepEqual([plan.streams.length, plan.lanes.length, plan.workers.ingest.count], [0, 0, 0]);
      assert.ok(plan.scenario.queries.every((q) => q.type === 'sql'));
      assert.ok(plan.scenario.queries.every((q) => /\bFROM incidentbench_sre_outage\b/.test(q.sql ?? '')));
      const smoke = planOf('scenarios/smoke.yaml');
      assert.equal(smoke.streams[0]!.index.replace(/[-.]/g, '_'), 'incidentbench_sre_outage');
      assert.deepEqual(roles(plan), { warmup: 'warmup', baseline: 'baseline', stress: 'overlap', recovery: 'recovery' });
    });

    it('incidentbench plan prints the roles of the query-only scenario', function () {
      this.timeout(20_000);
      const r = runCli(['plan', 'scenarios/ch-query-bench.yaml', '--target', 'clickhouse', '--run-name', 'shapes']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout,
        /^Scorecard roles: baseline = baseline, overlap = stress, recovery = recovery, warm-up \(excluded\) = warmup$/m);
      assert.match(r.stdout, /^\s*ingest: none \(query-only scenario\)$/m);
    });
  });

  describe('query-only form in session mode (query_session)', () => {
    it('validates and plans: categories, custom phases with roles, one user per query worker by default', () => {
      const loaded = loadScenarioFile(`${REF}/query-session.yaml`);
      assert.deepEqual(loaded.warnings, []);
      const plan = planOf(`${REF}/query-session.yaml`, { ...FLAGS, queryWorkers: 2 });
      assert.deepEqual(plan.streams, []);
      assert.equal(plan.workers.ingest.count, 0);
      assert.deepEqual(plan.scenario.session?.categories.map((c) => [c.name, c.iteration, c.parallelism, c.queries.length]),
        [['overview', 'sequential', 1, 2], ['breakdowns', 'weighted_random', 2, 2]]);
      assert.equal(plan.scenario.session?.thinkTimeMs, 500);
      assert.deepEqual(roles(plan), { warmup: 'warmup', baseline: 'baseline', peak: 'overlap', cooldown: 'recovery' });
    });

    it('incidentbench plan prints the categories, the think time and the users of each phase', function () {
      this.timeout(20_000);
      const r = runCli(['plan', `${REF}/query-session.yaml`, '--target', 'clickhouse', '--run-name', 'shapes', '--query-workers', '2']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ {2}session mode: overview \(Sequential, 1 at once, 2 queries\), breakdowns \(WeightedRandom, 2 at once, 2 queries\); think time 500 ms$/m);
      assert.match(r.stdout, /^ {2}users per phase: warmup 2, baseline 2, peak 2, cooldown 2 \(each runs ticks back to back; QPS and arrivals above are informational\)$/m);
    });
  });
});
