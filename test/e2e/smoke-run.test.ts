// The acceptance test of `incidentbench run` (SPEC §1.4, §10, §13, §14, §16): the smoke scenario scaled to about a
// minute against the test Kafka and a real ClickHouse, checked from the outside — the target's rows, the output files.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clickhouseTableName } from '../../src/adapters/clickhouse/compile.js';
import { validateRunJson } from '../../src/report/run-json-schema.js';
import { escapeHtml } from '../../src/report/html-escape.js';
import type { RunPlan } from '../../src/scenario/plan-types.js';
import { startE2eStack, REPO_ROOT, type E2eStack } from '../support/e2e-stack.js';
import { readRunOutput, check, type RunOutput } from '../support/run-output.js';
import { CliProcesses, type CliExit } from '../support/spawn-cli.js';

describe('incidentbench run: the scaled smoke scenario end to end (SPEC §14, §16)', function () {
  this.timeout(600_000);
  const cli = new CliProcesses();
  let stack: E2eStack;
  let run: string;
  let exit: CliExit;
  let out: RunOutput;
  let plan: RunPlan;

  before(async function () {
    this.timeout(900_000);
    stack = await startE2eStack();
    run = stack.runName('e2e-smoke');
    // duration 0.34 → six 10 s phases (60 s); rate 0.5 → 100–1 000 EPS, 27 000 events, 100 queries.
    const p = cli.start(stack.smokeRunArgs({ run, targetConfig: stack.targetConfig('smoke'), durationScale: 0.34, rateScale: 0.5 }),
      { cwd: REPO_ROOT });
    exit = await p.exited;
    console.log(`      (the run took ${(exit.elapsedMs / 1000).toFixed(1)} s, exit ${String(exit.code)})`);
    out = readRunOutput(stack.outDir(run));
    plan = JSON.parse(readFileSync(join(out.dir, 'plan.json'), 'utf8')) as RunPlan;
  });
  after(async () => {
    await cli.killAll();
    await stack?.stop();
  });

  it('exits 0: valid, and not comparable only because the phases were scaled below 30 s', () => {
    const r = out.run.run;
    assert.equal(exit.code, 0, `exit code\n${exit.stderr.slice(-3000)}`);
    assert.equal(r.exit_code, 0);
    assert.equal(r.valid, true, JSON.stringify(r.validity_violations));
    assert.deepEqual(r.validity_violations, []);
    assert.equal(r.comparable, false);
    assert.equal(check(out.run, 'minimum_duration').status, 'not_judged');
    assert.ok(r.warnings.some((w) => w.code === 'minimum_duration_scaled'), 'the scaled-run warning is listed');
    assert.equal(r.aborted, null);
    assert.match(exit.stdout, new RegExp(`^run ${run} finished: valid, not comparable \\(exit code 0\\)$`, 'm'));
    assert.match(exit.stdout, new RegExp(`^report: .*${run}/report\\.html$`, 'm'));
    assert.doesNotMatch(exit.stdout, /not written/);
  });

  it('writes every output file, and run.json satisfies its JSON Schema', () => {
    assert.deepEqual(out.missing, []);
    assert.deepEqual(validateRunJson(out.rawRun), []);
    assert.equal(out.run.run.name, run);
  });

  it('the ClickHouse table holds exactly the events Kafka acknowledged, and every due event is accounted for', async () => {
    const streams = Object.entries(out.run.streams);
    assert.equal(streams.length, 1);
    const [, s] = streams[0]!;
    const phasesAcked = out.run.phases.reduce((a, p) => a + (p.ingest?.acked ?? 0), 0);
    assert.equal(s.acked, phasesAcked, 'streams.<s>.acked = Σ phases ingest.acked');
    assert.ok(s.acked > 0);
    for (const p of out.run.phases) {
      const i = p.ingest!;
      assert.equal(i.acked + i.failed + i.missed, i.target, `${p.name}: acked + failed + missed = target`);
    }
    assert.equal(s.target, plan.totals.events);
    const rows = Number(await stack.query(`SELECT count() FROM default.${clickhouseTableName(s.index)}`));
    assert.equal(rows, s.acked, 'rows in the target table = acked events');
    assert.equal(s.consumed, s.acked, 'the consumer group consumed every acked event');
  });

  it('drains the backlog: the last lag reading is 0 and the drain time is measured', () => {
    const lags = out.records.filter((r) => r.kind === 'lag');
    assert.ok(lags.length > 0, 'lag readings in snapshots.jsonl');
    assert.equal(lags[lags.length - 1]!.lag, 0);
    assert.ok(Number(out.run.streams[Object.keys(out.run.streams)[0]!]!.peak_backlog) > 0, 'a backlog built up');
    const drain = out.run.derived['ingest.backlog_drain_time_s'];
    assert.equal(typeof drain, 'number', 'ingest.backlog_drain_time_s is non-null');
    assert.equal(out.run.scorecard.backlog_drain_time_s, drain);
  });

  it('runs every query of the scenario', () => {
    const names = plan.scenario.queries.map((q) => q.name);
    assert.equal(names.length, 8);
    for (const name of names) {
      const q = out.run.queries[name];
      assert.ok(q && q.started > 0, `${name} started (${JSON.stringify(q)})`);
      assert.equal(q.errors + q.timeouts, 0, `${name}: no errors or timeouts against a healthy ClickHouse`);
    }
    const started = Object.values(out.run.queries).reduce((a, q) => a + q.started, 0);
    assert.equal(started, plan.totals.queries, 'every planned arrival started');
  });

  it('measures freshness: sentinels found and a time-to-searchable p50', () => {
    const f = out.run.freshness;
    assert.equal(f.enabled, true);
    assert.ok(f.found > 0, `found ${f.found}`);
    assert.equal(typeof f.p50_ms, 'number');
    assert.equal(out.run.derived['ingest.time_to_searchable_p50'], f.p50_ms);
    assert.ok(out.records.some((r) => r.kind === 'freshness' && typeof r.foundAt === 'number'));
  });

  it('report.html names every phase of the run', () => {
    assert.ok(out.html.startsWith('<!DOCTYPE html>') || out.html.startsWith('<!doctype html>'), 'an HTML document');
    for (const p of out.run.phases) {
      assert.ok(out.html.includes(escapeHtml(p.display_name)), `report names ${p.display_name}`);
      assert.ok(out.html.includes(`title="${escapeHtml(p.name)}"`), `report carries ${p.name}`);
    }
    assert.equal(out.run.phases.length, plan.phases.length);
  });
});
