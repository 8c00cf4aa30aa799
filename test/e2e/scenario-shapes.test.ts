// The scenario shapes of SPEC §3.4 end to end against the test Kafka and a real ClickHouse: two data streams through
// every role (scenarios/app-and-audit.yaml), then reference-format files run unchanged — a query-only benchmark with
// custom phases over data pre-loaded with `incidentbench load`, and a query_session benchmark — checked from outside.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { clickhouseTableName } from '../../src/adapters/clickhouse/compile.js';
import { validateRunJson } from '../../src/report/run-json-schema.js';
import { escapeHtml } from '../../src/report/html-escape.js';
import type { RunPlan } from '../../src/scenario/plan-types.js';
import { REPO_ROOT, startE2eStack, type E2eStack } from '../support/e2e-stack.js';
import { check, readRunOutput, type RunOutput } from '../support/run-output.js';
import { CliProcesses, type CliExit } from '../support/spawn-cli.js';

const REF = 'test/fixtures/scenarios/reference';
/** 18.16's Kafka table writes a block when it is full or the topic has nothing more: small blocks make rows searchable mid-run. */
const BLOCK_LINES = ['kafka_max_block_size: 100'];

describe('scenario shapes end to end: two streams, query-only over loaded data, session mode (SPEC §3.4)', function () {
  this.timeout(600_000);
  const cli = new CliProcesses();
  let stack: E2eStack;

  before(async () => {
    stack = await startE2eStack();
  });
  after(async () => {
    await cli.killAll();
    await stack?.stop();
  });

  const readPlan = (out: RunOutput) => JSON.parse(readFileSync(join(out.dir, 'plan.json'), 'utf8')) as RunPlan;
  const timed = (name: string, e: CliExit) => console.log(`      (${name}: ${(e.elapsedMs / 1000).toFixed(1)} s, exit ${String(e.code)})`);
  /** Topic names on the test Kafka (the mock creates a topic when a client first asks for it, so none means none asked). */
  const topics = async (): Promise<string[]> => {
    const admin = new Kafka({ clientId: 'e2e-shapes', brokers: stack.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  };
  const assertValidRun = (e: CliExit, out: RunOutput) => {
    assert.equal(e.code, 0, `exit code\n${e.stderr.slice(-3000)}`);
    assert.deepEqual(out.missing, []);
    assert.deepEqual(validateRunJson(out.rawRun), []);
    assert.equal(out.run.run.valid, true, JSON.stringify(out.run.run.validity_violations));
  };

  describe('two data streams (scenarios/app-and-audit.yaml, about a minute)', () => {
    let run: string;
    let exit: CliExit;
    let out: RunOutput;
    let plan: RunPlan;
    before(async function () {
      this.timeout(600_000);
      run = stack.runName('e2e-streams');
      // duration 0.25 → six 8 s phases (45 s); rate 0.5 → app 75–750 EPS, audit 10–60 EPS.
      exit = await cli.start(stack.runArgs('scenarios/app-and-audit.yaml', run, stack.targetConfig('two-streams', BLOCK_LINES),
        ['--duration-scale', '0.25', '--rate-scale', '0.5']), { cwd: REPO_ROOT }).exited;
      timed('two streams', exit);
      out = readRunOutput(stack.outDir(run));
      plan = readPlan(out);
    });

    it('exits 0 with a valid run whose run.json satisfies its schema', () => {
      assertValidRun(exit, out);
      assert.deepEqual(plan.streams.map((s) => s.name), ['app', 'audit']);
      assert.deepEqual(Object.keys(out.run.streams), ['app', 'audit']);
    });

    it('gives each stream its own events topic, and each stream\'s table holds exactly its own acked events', async () => {
      const names = await topics();
      for (const s of plan.streams) {
        assert.equal(s.topic, `ib.${run}.events.${s.name}`);
        assert.ok(names.includes(s.topic), `topic ${s.topic} exists`);
        const j = out.run.streams[s.name]!;
        assert.equal(j.topic, s.topic);
        assert.equal(j.index, s.index);
        assert.ok(j.acked > 0, `${s.name} acked events`);
        assert.equal(j.acked, j.target, `${s.name}: every due event acked on a healthy stack`);
        const rows = Number(await stack.query(`SELECT count() FROM default.${clickhouseTableName(s.index)}`));
        assert.equal(rows, j.acked, `rows in ${clickhouseTableName(s.index)} = ${s.name}'s acked events`);
      }
      assert.notEqual(out.run.streams.app!.acked, out.run.streams.audit!.acked, 'the streams differ, so a mix-up would show');
      const acked = out.run.phases.reduce((a, p) => a + (p.ingest?.acked ?? 0), 0);
      assert.equal(acked, out.run.streams.app!.acked + out.run.streams.audit!.acked, 'phase totals sum the streams');
    });

    it('drains the lag of every stream: its consumer group consumed every acked event and its last lag reading is 0', () => {
      for (const s of plan.streams) {
        const j = out.run.streams[s.name]!;
        assert.equal(j.consumed, j.acked, `${s.name}: consumed = acked`);
        assert.ok((j.peak_backlog ?? 0) > 0, `${s.name}: a backlog was seen`);
        const lags = out.records.filter((r) => r.kind === 'lag' && r.stream === s.name);
        assert.ok(lags.length > 0, `lag readings of ${s.name}`);
        assert.equal(lags[lags.length - 1]!.lag, 0, `${s.name}: last lag reading`);
      }
    });

    it('runs the queries that name each index, and they return hits', () => {
      for (const s of plan.streams) {
        const own = plan.scenario.queries.filter((q) => q.stream === s.name);
        assert.ok(own.length > 0, `a query names ${s.index}`);
        for (const q of own) {
          const j = out.run.queries[q.name]!;
          assert.ok(j.ok > 0, `${q.name} on ${s.index} ran: ${JSON.stringify(j)}`);
          assert.equal(j.errors + j.timeouts, 0, `${q.name}: no errors or timeouts`);
          assert.ok((j.with_hits_share ?? 0) > 0, `${q.name} on ${s.index} returned hits: ${JSON.stringify(j)}`);
        }
      }
    });

    it('measures freshness per stream: each stream\'s sentinels found, with a time-to-searchable p99', () => {
      for (const s of plan.streams) {
        const f = out.run.freshness.streams[s.name];
        assert.ok(f && f.found > 0, `${s.name} sentinels found: ${JSON.stringify(f)}`);
        assert.equal(typeof f.p99_ms, 'number');
        assert.equal(out.run.streams[s.name]!.time_to_searchable_p99_ms, f.p99_ms);
      }
      const found = out.records.filter((r) => r.kind === 'freshness' && typeof r.foundAt === 'number');
      assert.deepEqual([...new Set(found.map((r) => r.stream))].sort(), ['app', 'audit'], 'sentinels of both streams found');
    });

    it('writes each stream\'s sentinels with ids of its own, so one stream\'s row never answers for another\'s', async () => {
      const prefix = `ib-${out.run.run.id.slice(0, 8)}`;
      for (const s of plan.streams) {
        const table = `default.${clickhouseTableName(s.index)}`;
        const own = Number(await stack.query(`SELECT count() FROM ${table} WHERE event_id LIKE '${prefix}-${s.name}-%'`));
        const other = Number(await stack.query(`SELECT count() FROM ${table} WHERE event_id LIKE '${prefix}-%' AND event_id NOT LIKE '${prefix}-${s.name}-%'`));
        assert.ok(own > 0, `${table} holds ${s.name}'s sentinels`);
        assert.equal(other, 0, `${table} holds no other stream's sentinel ids`);
        assert.equal(own, out.records.filter((r) => r.kind === 'freshness' && r.stream === s.name).length,
          `one row per ${s.name} sentinel the run reported`);
      }
    });

    it('report.html has a line per stream', () => {
      for (const s of plan.streams) {
        assert.ok(out.html.includes(escapeHtml(s.topic)), `report names ${s.topic}`);
        assert.ok(out.html.includes(escapeHtml(s.index)), `report names ${s.index}`);
      }
    });
  });

  describe('query-only reference file over data loaded with `incidentbench load`', () => {
    const LOADED = 3000;
    let load: CliExit;
    let run: string;
    let exit: CliExit;
    let out: RunOutput;
    let plan: RunPlan;
    before(async function () {
      this.timeout(600_000);
      const config = stack.targetConfig('query-only', BLOCK_LINES);
      // The reference single-stream file fills web_checkout_logs, which the query-only file reads.
      load = await cli.start(['load', `${REF}/single-stream.yaml`, '--target', 'clickhouse', '--target-config', config,
        '--kafka', stack.kafka.bootstrap, '--count', String(LOADED)], { cwd: REPO_ROOT }).exited;
      timed('load', load);
      run = stack.runName('e2e-query-only');
      // duration 0.1 → warmup 6 s, baseline 12 s, stress 12 s, recovery 12 s; rate 5 → 10 / 25 / 125 / 25 QPS, so that a
      // 5 s window of the recovery rule holds more than 100 queries and its p99 is not just its slowest one. Recovery
      // needs its window clear of the stress phase's last seconds plus 6 seconds under the limit: 12 s leave room.
      exit = await cli.start(stack.runArgs(`${REF}/query-only.yaml`, run, config, ['--duration-scale', '0.1', '--rate-scale', '5']),
        { cwd: REPO_ROOT }).exited;
      timed('query-only', exit);
      out = readRunOutput(stack.outDir(run));
      plan = readPlan(out);
    });

    it('load pushed the events through Kafka and returned once the target had consumed them all', async () => {
      assert.equal(load.code, 0, load.stderr.slice(-3000));
      assert.match(load.stdout, new RegExp(`${LOADED} of ${LOADED} events acknowledged .* all consumed \\(lag 0\\)`));
      assert.equal(Number(await stack.query('SELECT count() FROM default.web_checkout_logs')), LOADED);
    });

    it('exits 0 with a valid run; no events topic and no ingest worker were created', async () => {
      assertValidRun(exit, out);
      assert.deepEqual(plan.streams, []);
      assert.equal(plan.workers.ingest.count, 0);
      assert.deepEqual(Object.keys(out.run.workers), ['query-0']);
      assert.deepEqual(out.run.streams, {});
      const own = (await topics()).filter((t) => t.startsWith(`ib.${run}.`)).sort();
      assert.deepEqual(own, [`ib.${run}.control`, `ib.${run}.live`, `ib.${run}.metrics`], 'only the harness topics of the run');
    });

    it('resolves the custom phases: stress plays the overlap role and the scorecard reads it', () => {
      assert.deepEqual(out.run.phases.map((p) => [p.name, p.role]),
        [['warmup', 'warmup'], ['baseline', 'baseline'], ['stress', 'overlap'], ['recovery', 'recovery']]);
      const stress = out.run.phases.find((p) => p.name === 'stress')!;
      assert.equal(out.run.scorecard.overlap_p99_ms, stress.query.p99_ms);
      assert.equal(out.run.scorecard.baseline_p99_ms, out.run.phases.find((p) => p.name === 'baseline')!.query.p99_ms);
    });

    it('p99_degradation_ratio and recovery_time_s have values', () => {
      const sc = out.run.scorecard;
      assert.equal(typeof sc.p99_degradation_ratio, 'number', JSON.stringify(sc));
      assert.ok(sc.p99_degradation_ratio! > 0);
      assert.equal(typeof sc.recovery_time_s, 'number', `recovery_time_s: ${JSON.stringify(sc)}`);
      console.log(`      (p99_degradation_ratio ${sc.p99_degradation_ratio!.toFixed(2)}, recovery_time_s ${String(sc.recovery_time_s)})`);
    });

    it('ran every SQL query of the file without an error, and counted no warm-up query in any metric', () => {
      const warm = out.run.phases.find((p) => p.role === 'warmup')!;
      assert.ok(warm.query.started > 0, 'queries ran in the warm-up');
      const measured = out.run.phases.filter((p) => p.role !== 'warmup');
      const counted = measured.reduce((a, p) => a + p.query.started, 0);
      const perQuery = Object.values(out.run.queries).reduce((a, q) => a + q.started, 0);
      assert.equal(perQuery, counted, 'per-query totals = the measured phases\' queries');
      assert.equal(out.run.query_groups.default!.started, counted, 'the query group\'s totals leave out the warm-up');
      assert.equal(out.run.workers['query-0']!.query!.started, counted, 'the worker\'s totals leave out the warm-up');
      assert.equal(out.run.derived['query.total_executed'], counted);
      for (const k of Object.keys(out.run.derived).filter((x) => x.includes('.phase.warmup.'))) {
        assert.equal(out.run.derived[k], null, `${k} is not measured`);
      }
      for (const name of plan.scenario.queries.map((q) => q.name)) {
        const q = out.run.queries[name]!;
        assert.ok(q.ok > 0, `${name} ran`);
        assert.equal(q.errors + q.timeouts, 0, `${name}: no errors`);
      }
    });

    it('leaves ingest metrics null and does not apply ingest rules', () => {
      const sc = out.run.scorecard;
      assert.equal(sc.peak_backlog, null);
      assert.equal(sc.backlog_drain_time_s, null);
      assert.equal(sc.time_to_searchable_p99_ms, null);
      for (const p of out.run.phases) assert.equal(p.ingest, null, `${p.name}: ingest null`);
      assert.equal(check(out.run, 'kafka_healthy').status, 'not_applicable');
    });
  });

  describe('query_session reference file (session mode) over the loaded data', () => {
    let run: string;
    let exit: CliExit;
    let out: RunOutput;
    before(async function () {
      this.timeout(600_000);
      run = stack.runName('e2e-session');
      // duration 0.06 → warmup 2 s, baseline 4 s, peak 4 s, cooldown 4 s; one simulated user (one query worker).
      exit = await cli.start(stack.runArgs(`${REF}/query-session.yaml`, run, stack.targetConfig('session'), ['--duration-scale', '0.06']),
        { cwd: REPO_ROOT }).exited;
      timed('session', exit);
      out = readRunOutput(stack.outDir(run));
    });

    it('exits 0 with a valid run, and every query of both categories ran', () => {
      assertValidRun(exit, out);
      for (const [name, category] of [['requests_total', 'overview'], ['errors_total', 'overview'],
        ['errors_by_endpoint', 'breakdowns'], ['status_mix', 'breakdowns']] as const) {
        const q = out.run.queries[name]!;
        assert.ok(q.ok > 0, `${name} ran: ${JSON.stringify(q)}`);
        assert.equal(q.category, category);
      }
    });

    it('reports per-category results and the page latency of the ticks, in run.json and report.html', () => {
      const cats = out.run.categories;
      assert.deepEqual(Object.keys(cats).sort(), ['breakdowns', 'overview']);
      const session = out.run.session!;
      assert.ok(session && session.ticks > 0, `ticks: ${JSON.stringify(session)}`);
      // Per tick: parallelism 1 in overview, 2 in breakdowns.
      assert.equal(cats.overview!.ok + cats.overview!.errors, session.ticks);
      assert.equal(cats.breakdowns!.ok + cats.breakdowns!.errors, 2 * session.ticks);
      assert.equal(typeof session.page_p99_ms, 'number');
      assert.ok(!('warmup' in session.phases), 'the warm-up phase is left out of the page latency');
      for (const c of ['overview', 'breakdowns']) assert.ok(out.html.includes(c), `report.html names category ${c}`);
      assert.match(out.html, /Page latency/i);
    });
  });
});
