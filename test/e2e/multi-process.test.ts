// SPEC §1.4/§16 acceptance, the Kubernetes shape without a cluster: one `incidentbench coordinator` process and five
// `incidentbench worker` processes (three ingest, two query; the index from $JOB_COMPLETION_INDEX, as an Indexed Job
// gives it) run a short smoke run from one plan.json against the test Kafka and a real ClickHouse.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clickhouseTableName } from '../../src/adapters/clickhouse/compile.js';
import { runTopics } from '../../src/control/target-session.js';
import { formatPlain } from '../../src/report/display-number.js';
import { escapeHtml } from '../../src/report/html-escape.js';
import { validateRunJson } from '../../src/report/run-json-schema.js';
import type { RunPlan } from '../../src/scenario/plan-types.js';
import type { RunJson } from '../../src/stream-agg/run-result-types.js';
import { REPO_ROOT, SMOKE, startE2eStack, type E2eStack } from '../support/e2e-stack.js';
import { CliProcesses, type CliExit, type CliProcess } from '../support/spawn-cli.js';

/** Phase skew above this means the workers did not start together (SPEC §12.2 warns above 1 s). */
const SANE_SKEW_MS = 1000;

interface Planned {
  run: string;
  file: string;
  plan: RunPlan;
  out: string;
}

describe('one coordinator and five worker processes, as pods run them (SPEC §1.4, §16)', function () {
  this.timeout(600_000);
  const cli = new CliProcesses();
  let stack: E2eStack;

  before(async function () {
    this.timeout(300_000);
    const startedAt = Date.now();
    stack = await startE2eStack();
    console.log(`      (Kafka and ClickHouse up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  });
  after(async () => {
    await cli.killAll();
    await stack?.stop();
  });

  /** `plan --json --k8s …` written to a file, and the run's topics created (the test Kafka refuses CreateTopics). */
  async function planRun(label: string, flags: string[]): Promise<Planned> {
    const run = stack.runName(label);
    const p = await cli.start(['plan', SMOKE, '--json', '--k8s', '--target', 'clickhouse',
      '--target-config', stack.targetConfig(run), '--kafka', stack.kafka.bootstrap, '--run-name', run, ...flags],
    { cwd: REPO_ROOT }).exited;
    assert.equal(p.code, 0, p.stderr);
    const file = join(stack.dir, `${run}.plan.json`);
    writeFileSync(file, p.stdout);
    const plan = JSON.parse(p.stdout) as RunPlan;
    for (const t of runTopics(plan)) await stack.kafka.createTopic(t.name, t.partitions);
    return { run, file, plan, out: stack.outDir(run) };
  }

  /** A worker as a pod of an Indexed Job starts it: no --index, $JOB_COMPLETION_INDEX set. */
  function startWorker(planned: Planned, role: 'ingest' | 'query', index: number): CliProcess {
    return cli.start(['worker', '--role', role, ...(role === 'query' ? ['--group', 'default'] : []), '--plan', planned.file],
      { cwd: REPO_ROOT, env: { ...process.env, JOB_COMPLETION_INDEX: String(index) } });
  }

  const tail = (name: string, e: CliExit) => `--- ${name}: exit ${String(e.code)}${e.signal ? ` (${e.signal})` : ''} ---\n`
    + `${e.stdout.slice(-1500)}\n${e.stderr.slice(-2500)}`;
  const readRun = (out: string): { raw: unknown; run: RunJson; html: string } => {
    const raw: unknown = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    return { raw, run: raw as RunJson, html: readFileSync(join(out, 'report.html'), 'utf8') };
  };

  describe('a short run to its end', () => {
    let planned: Planned;
    let coordinator: CliExit;
    let workers: { name: string; exit: CliExit }[];
    let result: { raw: unknown; run: RunJson; html: string };

    before(async function () {
      this.timeout(300_000);
      // duration 0.15 → six 5 s phases (30 s); rate 0.25 → 50–500 EPS over 3 ingest workers of 1 lane each.
      planned = await planRun('e2e-multi', ['--ingest-workers', '3', '--threads', '1', '--query-workers', '2',
        '--duration-scale', '0.15', '--rate-scale', '0.25', '--drain-timeout', '30']);
      const startedAt = Date.now();
      const c = cli.start(['coordinator', '--plan', planned.file, '--out', planned.out], { cwd: REPO_ROOT });
      const ws = [
        ...[0, 1, 2].map((i) => ({ name: `ingest-${i}`, p: startWorker(planned, 'ingest', i) })),
        ...[0, 1].map((i) => ({ name: `query-${i}`, p: startWorker(planned, 'query', i) })),
      ];
      const [cExit, ...wExits] = await Promise.all([c.exited, ...ws.map((w) => w.p.exited)]);
      coordinator = cExit!;
      workers = ws.map((w, i) => ({ name: w.name, exit: wExits[i]! }));
      console.log(`      (6 processes, ${planned.plan.totals.durationS} s timeline: all exited ${((Date.now() - startedAt) / 1000).toFixed(1)} s `
        + `after the start; coordinator exit ${String(coordinator.code)})`);
      result = readRun(planned.out);
    });

    it('every process exits 0', () => {
      assert.equal(coordinator.code, 0, tail('coordinator', coordinator));
      for (const w of workers) assert.equal(w.exit.code, 0, tail(w.name, w.exit));
      assert.match(coordinator.stdout, new RegExp(`^run ${planned.run} finished: valid, not comparable \\(exit code 0\\)$`, 'm'));
    });

    it('run.json satisfies its schema and reports the five workers, each done', () => {
      assert.deepEqual(validateRunJson(result.raw), []);
      const r = result.run;
      assert.equal(r.run.name, planned.run);
      assert.equal(r.run.valid, true, JSON.stringify(r.run.validity_violations));
      assert.deepEqual(Object.keys(r.workers).sort(), ['ingest-0', 'ingest-1', 'ingest-2', 'query-0', 'query-1']);
      for (const [id, w] of Object.entries(r.workers)) {
        assert.equal(w.done, true, `${id} done`);
        assert.equal(w.lost, false, `${id} not lost`);
      }
    });

    it('acks every planned event, and ClickHouse holds exactly the acked events', async () => {
      const streams = Object.values(result.run.streams);
      assert.equal(streams.length, 1);
      const s = streams[0]!;
      assert.equal(s.acked, planned.plan.totals.events, 'acked = planned');
      const rows = Number(await stack.query(`SELECT count() FROM default.${clickhouseTableName(s.index)}`));
      assert.equal(rows, s.acked, 'rows in the target table = acked events');
      for (const id of ['ingest-0', 'ingest-1', 'ingest-2']) {
        assert.ok((result.run.workers[id]!.ingest?.acked ?? 0) > 0, `${id} acked its share`);
      }
    });

    it('measures the phase skew between the worker processes and shows it in report.html', () => {
      const skew = result.run.derived['harness.phase_skew_ms'];
      console.log(`      (phase skew across the 5 worker processes: ${String(skew)} ms; per phase: `
        + `${result.run.phases.map((p) => `${p.name} ${String(p.skew_ms)}`).join(', ')})`);
      assert.equal(typeof skew, 'number', 'harness.phase_skew_ms is measured');
      assert.ok(skew! >= 0 && skew! < SANE_SKEW_MS, `phase skew ${String(skew)} ms within [0, ${SANE_SKEW_MS})`);
      const perPhase = result.run.phases.map((p) => p.skew_ms).filter((x): x is number => x !== null);
      assert.ok(perPhase.length > 0, 'per-phase skews are measured');
      assert.equal(Math.max(...perPhase), skew, 'the run\'s skew is the largest phase skew');
      assert.match(result.html, new RegExp(`harness\\.phase_skew_ms</span></td><td[^>]*>${escapeRegExp(escapeHtml(formatPlain(skew!)))}<`),
        'report.html lists harness.phase_skew_ms with its value');
      assert.ok(result.html.includes('Switch skew ms'), 'report.html has the per-phase skew column');
    });

    it('cleanup --plan (the operator\'s cleanup Job) removes the run\'s ClickHouse objects', async () => {
      const runObjects = `SELECT count() FROM system.tables WHERE database = 'default' AND name LIKE '%${planned.run.replace(/-/g, '_')}%'`;
      assert.equal(Number(await stack.query(runObjects)), 2, 'the run\'s Kafka table and view exist before');
      const e = await cli.start(['cleanup', '--plan', planned.file], { cwd: REPO_ROOT }).exited;
      assert.equal(e.code, 0, tail('cleanup', e));
      assert.equal(e.stdout, `cleaned up run ${planned.run}\n`);
      assert.equal(Number(await stack.query(runObjects)), 0, 'no object of the run is left');
    });
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
