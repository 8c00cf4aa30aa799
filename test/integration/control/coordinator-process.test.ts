// `incidentbench coordinator --plan F` when preparation fails (SPEC §15.2, §17): exit 1, one `error: …` line last (a
// pod's termination message), and — when Kafka answers — a RunState `failed` with the reason on the live topic,
// which the operator turns into the run's Failed condition. Against the test Kafka; the target is a closed port.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemTimers } from '../../../src/core/timers.js';
import { runTopics } from '../../../src/control/target-session.js';
import { kafkaSettingsFromEnv } from '../../../src/kafka/kafka-config.js';
import { readTopicToEnd } from '../../../src/report/kafka-records.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { parseLiveMessage, type LiveMessage } from '../../../src/stream-agg/live-types.js';
import { REPO_ROOT, SMOKE } from '../../support/e2e-stack.js';
import { runCli } from '../../support/run-cli.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';
import { captureLog } from '../kafka/support.js';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('incidentbench coordinator: a failed preparation (SPEC §15.2)', function () {
  this.timeout(120_000);
  let kafka: TestKafka;
  let dir: string;
  let deadPort: number;

  before(async () => {
    kafka = await startTestKafka();
    dir = mkdtempSync(join(tmpdir(), 'ib-coordinator-'));
    deadPort = await closedPort();
  });
  after(async () => {
    await kafka?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** plan.json of a smoke run whose ClickHouse is the closed port; the run's topics exist. */
  async function planFile(run: string): Promise<{ file: string; plan: RunPlan }> {
    const config = join(dir, `${run}.yaml`);
    writeFileSync(config, `url: http://127.0.0.1:${deadPort}\n`);
    const p = runCli(['plan', SMOKE, '--json', '--k8s', '--target', 'clickhouse', '--target-config', config,
      '--kafka', kafka.bootstrap, '--run-name', run, '--duration-scale', '0.1'], { cwd: REPO_ROOT });
    assert.equal(p.code, 0, p.stderr);
    const file = join(dir, `${run}.plan.json`);
    writeFileSync(file, p.stdout);
    const plan = JSON.parse(p.stdout) as RunPlan;
    for (const t of runTopics(plan)) await kafka.createTopic(t.name, t.partitions);
    return { file, plan };
  }

  const lastLine = (stderr: string) => stderr.trimEnd().split('\n').pop() ?? '';

  it('the target refuses: exit 1, the reason as the last line and as RunState failed on the live topic', async () => {
    const { file, plan } = await planFile('coord-target-down');
    const e = runCli(['coordinator', '--plan', file, '--out', join(dir, 'out-target'), '--connect-timeout', '5'], { cwd: REPO_ROOT });
    assert.equal(e.code, 1, e.stderr.slice(-3000));
    assert.equal(e.stdout, '', 'no summary: the run never began');
    const last = lastLine(e.stderr);
    assert.match(last, /^error: preparation failed: .+/);
    assert.match(last, new RegExp(`127\\.0\\.0\\.1:${deadPort}`), 'the reason names the target address');
    assert.doesNotMatch(last, /\n/);

    const { logger } = captureLog();
    const messages = await readTopicToEnd(kafkaSettingsFromEnv({}, { bootstrap: kafka.bootstrap }), plan.run.name,
      plan.kafka.topics.live, logger, systemTimers, 30_000);
    const live = messages.map((m) => parseLiveMessage(m.value)).filter((r) => r.ok).map((r) => (r as { message: LiveMessage }).message);
    const failed = live.filter((m) => m.kind === 'state' && m.stage === 'failed');
    assert.equal(failed.length, 1, JSON.stringify(live));
    const state = failed[0]!;
    assert.ok(state.kind === 'state');
    assert.equal(`error: ${state.reason}`, last, 'the live topic carries the same reason');
    assert.equal(state.runId, plan.run.id);
    assert.deepEqual(state.expected, { ingest: plan.workers.ingest.count, query: plan.workers.query.reduce((a, g) => a + g.count, 0) });
  });

  it('cleanup takes exactly one of a scenario and --plan, and nothing but --kafka beside --plan (one line each)', async () => {
    const { file } = await planFile('coord-cleanup-usage');
    const cases: [string[], RegExp][] = [
      [['cleanup'], /^error: cleanup: give a scenario file or --plan <plan\.json>$/],
      [['cleanup', SMOKE, '--plan', file], /^error: cleanup: give either the scenario "scenarios\/smoke\.yaml" or --plan ".+", not both$/],
      [['cleanup', '--plan', file, '--target', 'clickhouse', '--run-name', 'x'],
        /^error: cleanup --plan: the plan fixes the run; drop --target, --run-name \(only --kafka may override it\)$/],
    ];
    for (const [args, expected] of cases) {
      const e = runCli(args, { cwd: REPO_ROOT });
      assert.equal(e.code, 1, args.join(' '));
      assert.equal(e.stdout, '');
      assert.match(e.stderr.trimEnd(), expected);
    }
  });

  it('Kafka unreachable: exit 1 and one last line naming the bootstrap address', async () => {
    const { file } = await planFile('coord-kafka-down');
    const e = runCli(['coordinator', '--plan', file, '--kafka', `127.0.0.1:${deadPort}`, '--out', join(dir, 'out-kafka'),
      '--connect-timeout', '1'], { cwd: REPO_ROOT });
    assert.equal(e.code, 1, e.stderr.slice(-3000));
    assert.equal(lastLine(e.stderr), `error: preparation failed: Kafka unreachable at 127.0.0.1:${deadPort} within 1 s: no answer from any broker`);
  });
});
