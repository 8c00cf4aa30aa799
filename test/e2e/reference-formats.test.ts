// Scenario files written only from the reference implementation's format description (SPEC §3.4) run unchanged with
// `incidentbench run` against the test Kafka and a real ClickHouse: the single-stream form without and with query
// weights, and the data_streams form (three streams). The query-only and query_session forms run in scenario-shapes.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clickhouseTableName } from '../../src/adapters/clickhouse/compile.js';
import { validateRunJson } from '../../src/report/run-json-schema.js';
import type { RunPlan } from '../../src/scenario/plan-types.js';
import { REPO_ROOT, startE2eStack, type E2eStack } from '../support/e2e-stack.js';
import { readRunOutput, type RunOutput } from '../support/run-output.js';
import { CliProcesses, type CliExit } from '../support/spawn-cli.js';

const REF = 'test/fixtures/scenarios/reference';

interface Case {
  file: string;
  label: string;
  /** Extra target config lines (a table of its own when two files share an index name). */
  config: string[];
  streams: number;
}

const CASES: Case[] = [
  { file: 'single-stream.yaml', label: 'single-stream form without weights', config: [], streams: 1 },
  { file: 'single-stream-weights.yaml', label: 'single-stream form with weights', config: ['table: web_checkout_weighted'], streams: 1 },
  { file: 'data-streams.yaml', label: 'data_streams form (three streams)', config: [], streams: 3 },
];

describe('reference-format scenario files run unchanged (SPEC §3.4)', function () {
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

  for (const c of CASES) {
    describe(`${c.label}: ${c.file}`, () => {
      let run: string;
      let exit: CliExit;
      let out: RunOutput;
      let plan: RunPlan;
      before(async function () {
        this.timeout(600_000);
        run = stack.runName(`e2e-ref-${c.file.replace(/\.yaml$/, '')}`.slice(0, 30));
        const config = stack.targetConfig(run, ['kafka_max_block_size: 100', ...c.config]);
        // duration 0.05 → a 16–17 s timeline of six phases; rate 0.5.
        exit = await cli.start(stack.runArgs(`${REF}/${c.file}`, run, config, ['--duration-scale', '0.05', '--rate-scale', '0.5']),
          { cwd: REPO_ROOT }).exited;
        console.log(`      (${c.file}: ${(exit.elapsedMs / 1000).toFixed(1)} s, exit ${String(exit.code)})`);
        out = readRunOutput(stack.outDir(run));
        plan = JSON.parse(readFileSync(join(out.dir, 'plan.json'), 'utf8')) as RunPlan;
      });

      it('exits 0 with a valid run and a run.json that satisfies its schema', () => {
        assert.equal(exit.code, 0, `exit code\n${exit.stderr.slice(-3000)}`);
        assert.deepEqual(out.missing, []);
        assert.deepEqual(validateRunJson(out.rawRun), []);
        assert.equal(out.run.run.valid, true, JSON.stringify(out.run.run.validity_violations));
        assert.equal(plan.streams.length, c.streams);
      });

      it('every stream\'s table holds exactly its acked events, all consumed', async () => {
        for (const s of plan.streams) {
          const j = out.run.streams[s.name]!;
          assert.ok(j.acked > 0 && j.acked === j.target, `${s.name}: ${j.acked} of ${j.target} acked`);
          assert.equal(j.consumed, j.acked, `${s.name}: consumed = acked`);
          const table = c.config.find((l) => l.startsWith('table: '))?.slice('table: '.length) ?? clickhouseTableName(s.index);
          assert.equal(Number(await stack.query(`SELECT count() FROM default.${table}`)), j.acked, `rows in ${table}`);
        }
      });

      it('runs every query of the mix without an error', () => {
        for (const q of plan.scenario.queries) {
          const j = out.run.queries[q.name]!;
          assert.ok(j.started > 0, `${q.name} ran: ${JSON.stringify(j)}`);
          assert.equal(j.errors + j.timeouts, 0, `${q.name}: ${JSON.stringify(j)}`);
        }
        const started = Object.values(out.run.queries).reduce((a, q) => a + q.started, 0);
        assert.equal(started, plan.totals.queries, 'every planned arrival started');
      });
    });
  }
});
