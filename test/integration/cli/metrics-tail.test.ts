// Integration tests of `incidentbench metrics <run>` against the test Kafka, run as a user would (the built CLI in a
// child process): lines, --json, the default start at the end, --live in a pseudo-terminal (script) and piped,
// Ctrl-C, an unreachable Kafka and a missing topic. Must use its own topics and stop only the processes it started.

import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { formatLivePoint, formatRunState, formatRunSummary } from '../../../src/cli/live-line.js';
import { ESC } from '../../../src/cli/tui/terminal-screen.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createKafka, type KafkaClient } from '../../../src/kafka/client-factory.js';
import { JsonProducer } from '../../../src/kafka/json-producer.js';
import { kafkaSettingsFromEnv } from '../../../src/kafka/kafka-config.js';
import { harnessProducerConfig } from '../../../src/kafka/producer-options.js';
import type { LiveMessage } from '../../../src/stream-agg/live-types.js';
import { livePoint, liveState, liveSummary } from '../../support/live-messages.js';
import { CLI } from '../../support/run-cli.js';
import { startTestKafka, type TestKafka } from '../../support/test-kafka/index.js';

interface Proc {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  err: () => string;
  /** Resolves once stdout matches (bounded by mocha's timeout). */
  waitFor: (re: RegExp) => Promise<void>;
  exit: Promise<number>;
}

const started: ChildProcessWithoutNullStreams[] = [];

function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(command, args, { env: { ...process.env, IB_KAFKA_BOOTSTRAP: '', NO_COLOR: '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.re.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    check();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exit = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : -2))));
  return {
    child, out: () => out, err: () => err, exit,
    waitFor: (re) => new Promise<void>((resolve) => {
      waiters.push({ re, resolve });
      check();
    }),
  };
}

/** The CLI with stdout and stderr piped. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return start(process.execPath, [CLI, ...args], env);
}

/** The CLI under a pseudo-terminal of 100 × 30 (util-linux script), so its stdout is a TTY; stderr is merged. */
function cliInTerminal(args: string[]): Proc {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = `stty cols 100 rows 30; exec ${[process.execPath, CLI, ...args].map(q).join(' ')}`;
  return start('script', ['-qfec', command, '/dev/null']);
}

async function finished(p: Proc): Promise<{ code: number; stdout: string; stderr: string }> {
  const code = await p.exit;
  return { code, stdout: p.out(), stderr: p.err() };
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('`incidentbench metrics <run>` on the test Kafka (SPEC §10.3, §14)', function () {
  this.timeout(60_000);
  let kafka: TestKafka;
  let client: KafkaClient;
  let producer: JsonProducer<LiveMessage>;

  // A finished run: state, five points over two phases, two malformed records, the summary.
  const DONE = 'tail-done';
  const doneState = liveState(DONE);
  const donePoints = [0, 1, 2, 3, 4].map((s) => livePoint(DONE, s, { phase: s < 2 ? 'baseline' : 'overlap', ackedEps: 1000 + s * 250, lag: s * 1000 }));
  const doneSummary = liveSummary(DONE, { warnings: [{ code: 'harness_saturated', message: 'ingest-0 saturated for 12 s' }] });
  const doneLines = [formatRunState(doneState), ...donePoints.map(formatLivePoint), ...formatRunSummary(doneSummary)];

  before(async function () {
    kafka = await startTestKafka();
    for (const run of [DONE, 'tail-new', 'tail-sigint', 'tail-tui-sigint']) await kafka.createTopic(`ib.${run}.live`, 1);
    client = createKafka(kafkaSettingsFromEnv({}, { bootstrap: kafka.bootstrap, connectTimeoutMs: 5000 }), { run: 'it', role: 'test', logger: silentLogger });
    producer = new JsonProducer<LiveMessage>(client);
    await producer.connect();
    const topic = `ib.${DONE}.live`;
    await producer.sendBatch(topic, [doneState, ...donePoints].map((value) => ({ key: DONE, value })));
    const raw = client.producer(harnessProducerConfig());
    await raw.connect();
    await raw.send({ topic, messages: [{ key: DONE, value: Buffer.from('{"v":1,"kind":') }] });
    await raw.disconnect();
    await producer.send(topic, DONE, { v: 1, kind: 'bogus', run: DONE, runId: 'rid-1', at: 1 } as unknown as LiveMessage);
    await producer.send(topic, DONE, doneSummary);
    await producer.send('ib.tail-sigint.live', 'tail-sigint', liveState('tail-sigint'));
    await producer.send('ib.tail-tui-sigint.live', 'tail-tui-sigint', livePoint('tail-tui-sigint', 40, { phase: 'surge' }));
  });

  after(async function () {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await producer?.disconnect().catch(() => undefined);
    await kafka?.stop();
  });

  it('--from-start prints one line per message, then the summary, reports each malformed kind once, exits 0', async () => {
    const r = await finished(cli(['metrics', DONE, '--kafka', kafka.bootstrap, '--from-start']));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), doneLines);
    assert.equal(lines(r.stdout)[1], '[baseline 00:01/03:00] EPS 2,000 tgt / 1,000 acked / 1,450 consumed · lag 0 · QPS 9.8/10.0 · '
      + 'p50 41 ms p99 870 ms · err 0.3 % · fresh p99 5.2 s · workers 2 (0 saturated) · recovered –');
    assert.ok(r.stdout.includes('  - harness_saturated: ingest-0 saturated for 12 s\n'));
    const err = lines(r.stderr);
    assert.equal(err.filter((l) => /not one UTF-8 JSON value/.test(l)).length, 1, r.stderr);
    assert.equal(err.filter((l) => /unknown kind "bogus" \(expected state, point or summary\)/.test(l)).length, 1, r.stderr);
    assert.equal(err.at(-1), `skipped 2 malformed records of ib.${DONE}.live`);
    assert.ok(err.every((l) => !/\n\s+at /.test(l)));
  });

  it('--json --from-start prints each message as one JSON line as received (bootstrap from IB_KAFKA_BOOTSTRAP)', async () => {
    const r = await finished(cli(['metrics', DONE, '--json', '--from-start'], { IB_KAFKA_BOOTSTRAP: kafka.bootstrap }));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).map((l) => JSON.parse(l) as unknown), [doneState, ...donePoints, doneSummary]);
  });

  it('by default shows the latest stage of a finished run and its summary, saying it had finished', async () => {
    const r = await finished(cli(['metrics', DONE, '--kafka', kafka.bootstrap]));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), [formatRunState(doneState), ...formatRunSummary(doneSummary)]);
    assert.match(r.stderr, /^run tail-done had already finished; its summary follows/m);
  });

  it('by default starts at the end: the latest RunState first, then only new messages, until the summary', async () => {
    const run = 'tail-new';
    const topic = `ib.${run}.live`;
    await producer.send(topic, run, liveState(run, { stage: 'waiting', at: 1 }));
    await producer.send(topic, run, liveState(run, { stage: 'running', at: 2 }));
    const p = cli(['metrics', run, '--kafka', kafka.bootstrap]);
    await p.waitFor(/^stage running/m);
    const points = [7, 8].map((s) => livePoint(run, s, { phase: 'surge' }));
    const summary = liveSummary(run, { valid: false, exitCode: 2 });
    for (const m of [...points, summary]) await producer.send(topic, run, m);
    const r = await finished(p);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), [formatRunState(liveState(run)), ...points.map(formatLivePoint), ...formatRunSummary(summary)]);
    assert.equal(r.stderr, '');
  });

  it('--live draws the dashboard in a terminal and restores the terminal at the end', async () => {
    const r = await finished(cliInTerminal(['metrics', DONE, '--kafka', kafka.bootstrap, '--live', '--from-start']));
    assert.equal(r.code, 0, r.stdout);
    const out = r.stdout;
    assert.ok(out.startsWith(ESC.enterAltScreen + ESC.hideCursor), JSON.stringify(out.slice(0, 80)));
    const text = out.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    assert.match(text, /baseline › \[overlap\] +00:05 \/ 03:00 · 02:55 left/);
    assert.match(text, /acked EPS +[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇]/, 'a sparkline of acked EPS');
    assert.match(out, /\u001b\[32mrunning\u001b\[0m/, 'colours on a terminal');
    const restore = out.lastIndexOf(ESC.showCursor + ESC.leaveAltScreen);
    assert.ok(restore > out.lastIndexOf(ESC.home), 'the terminal is restored after the last frame');
    assert.ok(restore > out.lastIndexOf(ESC.hideCursor));
    const after = out.slice(restore).replace(/\r/g, '');
    assert.ok(after.includes(`${formatRunSummary(doneSummary).join('\n')}\n`), 'the summary stays on the main screen');
    assert.match(after, /skipped 2 malformed records of ib\.tail-done\.live/);
  });

  it('--live with stdout piped says so once and prints lines', async () => {
    const r = await finished(cli(['metrics', DONE, '--kafka', kafka.bootstrap, '--live', '--from-start']));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), doneLines);
    assert.equal(lines(r.stderr).filter((l) => l === '--live: stdout is not a terminal; printing one line per message instead').length, 1);
    assert.ok(!r.stdout.includes('\u001b'));
  });

  it('exits 130 on Ctrl-C (SIGINT)', async () => {
    const p = cli(['metrics', 'tail-sigint', '--kafka', kafka.bootstrap]);
    await p.waitFor(/^stage running/m);
    p.child.kill('SIGINT');
    const r = await finished(p);
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(lines(r.stdout), [formatRunState(liveState('tail-sigint'))]);
  });

  it('exits 130 on Ctrl-C in the --live dashboard with the terminal restored', async () => {
    const p = cliInTerminal(['metrics', 'tail-tui-sigint', '--kafka', kafka.bootstrap, '--live', '--from-start']);
    await p.waitFor(/\[surge\]/);
    p.child.stdin.write('\u0003'); // the pty turns ^C into SIGINT for the CLI
    const r = await finished(p);
    assert.equal(r.code, 130, r.stdout);
    const restore = r.stdout.lastIndexOf(ESC.showCursor + ESC.leaveAltScreen);
    assert.ok(restore > r.stdout.lastIndexOf(ESC.home), 'the terminal is restored after the last frame');
    assert.ok(r.stdout.slice(restore).includes('[surge 00:41/03:00]'), 'the last point stays on the main screen');
  });

  it('fails with one line naming the bootstrap when Kafka is unreachable', async () => {
    const port = await closedPort();
    const r = await finished(cli(['metrics', DONE, '--kafka', `127.0.0.1:${port}`, '--connect-timeout', '2']));
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: Kafka unreachable at 127\\.0\\.0\\.1:${port} within 2 s`));
  });

  it('fails with one line when the run has no live topic, suggesting a close run name', async () => {
    const r = await finished(cli(['metrics', 'tail-dnoe', '--kafka', kafka.bootstrap]));
    assert.equal(r.code, 1);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /^error: no live topic 'ib\.tail-dnoe\.live' at 127\.0\.0\.1:\d+: expected the name of a run that has started \(did you mean "tail-done"\?\); runs with a live topic: /);
  });

  it('refuses a missing bootstrap, a bad run name and --json with --live, one line each', async () => {
    for (const [args, re] of [
      [['metrics', DONE], /^error: --kafka <bootstrap> is required \(or set IB_KAFKA_BOOTSTRAP\)/],
      [['metrics', 'Bad_Run', '--kafka', kafka.bootstrap], /^error: run name "Bad_Run" is not a DNS-1123 label/],
      [['metrics', DONE, '--kafka', kafka.bootstrap, '--json', '--live'], /^error: --json and --live exclude each other/],
    ] as const) {
      const r = await finished(cli([...args]));
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, re);
    }
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
