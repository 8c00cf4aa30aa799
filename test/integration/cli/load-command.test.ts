// `incidentbench load` as a user runs it (SPEC §14 load) against the test Kafka and a real ClickHouse: the events go
// through Kafka, the command returns once the target's lag is 0, and the rows are the events `generate` prints.

import assert from 'node:assert/strict';
import { runCli } from '../../support/run-cli.js';
import { REPO_ROOT, SMOKE, startE2eStack, type E2eStack } from '../../support/e2e-stack.js';
import { CliProcesses, type CliExit } from '../../support/spawn-cli.js';

/** The built CLI, run as a user runs it. */
const cli = new CliProcesses();
const load = (args: string[]): Promise<CliExit> => cli.start(['load', ...args], { cwd: REPO_ROOT }).exited;

interface LoadJson {
  run: string;
  t0: number;
  produced: number;
  acked: number;
  lag: number;
  consumed: boolean;
  eps: number;
  produceMs: number;
  streams: { stream: string; acked: number; lag: number }[];
}

describe('incidentbench load (SPEC §14 load)', function () {
  this.timeout(120_000);
  let stack: E2eStack;
  before(async () => {
    stack = await startE2eStack();
  });
  after(async () => {
    await cli.killAll();
    await stack?.stop();
  });

  it('loads 5000 smoke events through Kafka, returns at lag 0, and the rows are the events generate prints', async function () {
    this.timeout(30_000);
    const run = stack.runName('load');
    await stack.kafka.createTopic(`ib.${run}.events`, 4);
    const r = await load([SMOKE, '--target', 'clickhouse', '--target-config', stack.targetConfig('load'), '--kafka', stack.kafka.bootstrap,
      '--run-name', run, '--count', '5000', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as LoadJson;
    assert.equal(out.produced, 5000);
    assert.equal(out.acked, 5000);
    assert.equal(out.lag, 0);
    assert.equal(out.consumed, true);
    assert.deepEqual(out.streams.map((s) => [s.acked, s.lag]), [[5000, 0]]);
    assert.match(r.stderr, /load: produced/);
    assert.match(r.stderr, /waiting for the target: lag/);
    // Lag 0 means ClickHouse committed past every event, i.e. the rows are in the table already.
    assert.equal(await stack.query('SELECT count() FROM incidentbench_sre_outage'), '5000');
    console.log(`      load: ${out.acked} events in ${out.produceMs} ms = ${out.eps} EPS`);

    const gen = runCli(['generate', SMOKE, '--count', '5000', '--t0', String(out.t0)], { cwd: REPO_ROOT });
    assert.equal(gen.code, 0, gen.stderr);
    const events = gen.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string | number | null>);
    assert.equal(events.length, 5000);
    const ids = (await stack.query('SELECT trace_id FROM incidentbench_sre_outage ORDER BY trace_id')).split('\n');
    assert.deepEqual(ids, events.map((e) => String(e.trace_id)).sort());
    for (const g of [0, 2500, 4999]) {
      const e = events[g]!;
      const row = await stack.query(`SELECT service, level, http_status, response_time_ms, toUnixTimestamp(\`@timestamp\`) `
        + `FROM incidentbench_sre_outage WHERE trace_id = '${String(e.trace_id)}' FORMAT TSV`);
      assert.equal(row, [e.service, e.level, e.http_status, e.response_time_ms, Math.floor(Date.parse(String(e['@timestamp'])) / 1000)].join('\t'), `event ${g}`);
    }
    // The data ends "now": the last event is due within the second before the load started producing.
    assert.ok(Date.parse(String(events[4999]!['@timestamp'])) <= Date.now());
  });

  it('refuses a query-only scenario in one line that says what to load instead', async () => {
    const r = await load(['test/fixtures/scenarios/query-only.yaml', '--target', 'clickhouse', '--target-config', stack.targetConfig('q'),
      '--kafka', stack.kafka.bootstrap]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /query-only: it has no data streams to load; load the data it queries from a scenario with streams/);
    assert.equal(r.stdout, '');
  });

  it('refuses --count together with --seconds before touching Kafka', async () => {
    const r = await load([SMOKE, '--count', '10', '--seconds', '2', '--kafka', '127.0.0.1:1']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'error: --count 10 and --seconds 2 exclude each other: give one of them, or neither for the whole timeline');
  });
});
