// `incidentbench metrics <run> [--kafka B] [--json] [--live] [--from-start]` (SPEC §10.3, §14): tails the run's live
// topic as lines, JSON lines or the --live TUI, until the RunSummary, Ctrl-C or a Kafka failure. Must not write to
// any topic nor commit offsets (a fresh consumer group each time), and must leave the terminal as it found it.

import type { Command } from 'commander';
import { KafkaError, UsageError } from '../../core/errors.js';
import { Logger, type LogSink } from '../../core/logger.js';
import { createKafka, type KafkaClient } from '../../kafka/client-factory.js';
import { JsonConsumer } from '../../kafka/json-consumer.js';
import { kafkaSettingsFromEnv } from '../../kafka/kafka-config.js';
import { kafkaErrorText } from '../../kafka/kafkajs-errors.js';
import { didYouMean } from '../../scenario/suggest.js';
import type { LiveMessage } from '../../stream-agg/live-types.js';
import { wholeNumber } from '../flag-values.js';
import { formatLivePoint, formatRunState, formatRunSummary } from '../live-line.js';
import { LiveTail, type LiveOutput } from '../live-tail.js';
import { LiveTui } from '../tui/live-tui.js';

interface MetricsFlags {
  kafka?: string;
  json?: boolean;
  live?: boolean;
  fromStart?: boolean;
  connectTimeout?: number;
  verbose?: boolean;
}

/** Where `--kafka` falls back to. */
export const BOOTSTRAP_ENV = 'IB_KAFKA_BOOTSTRAP';
/** Exit codes of the tail (SPEC §14): 0 after the summary, 130 on Ctrl-C, 143 on SIGTERM; failures throw (1). */
const EXIT_OK = 0;
const EXIT_INTERRUPTED = 130;
const EXIT_TERMINATED = 143;
/** How long stopping the consumer may hold the exit. */
const STOP_GRACE_MS = 5_000;
/** How often the consumer's count of undecodable records is looked at. */
const MALFORMED_POLL_MS = 500;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The live topic of a run (SPEC §1.3). */
export function liveTopic(run: string): string {
  return `ib.${run}.live`;
}

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('tail a run\'s live stream: a line per second, --json lines, or the --live dashboard; ends with the summary')
    .argument('<run>', 'run name')
    .option('--kafka <bootstrap>', `Kafka bootstrap servers (default $${BOOTSTRAP_ENV})`)
    .option('--json', 'print each message as one JSON line, as received')
    .option('--live', 'full-screen dashboard (falls back to lines when stdout is not a terminal)')
    .option('--from-start', 'replay the stream from its beginning (default: the latest stage, then new messages)')
    .option('--connect-timeout <s>', 'Kafka connect timeout in seconds', wholeNumber('--connect-timeout', 1), 10)
    .option('--verbose', 'debug logging on stderr')
    .action(async (run: string, f: MetricsFlags) => {
      process.exitCode = await tailRun(run, f);
    });
}

async function tailRun(run: string, f: MetricsFlags): Promise<number> {
  if (!DNS_LABEL.test(run)) {
    throw new UsageError(`run name ${JSON.stringify(run)} is not a DNS-1123 label; expected lowercase letters, digits and "-", `
      + 'at most 63 characters, starting and ending with a letter or digit (the name given to `run --run-name`)');
  }
  if (f.json && f.live) throw new UsageError('--json and --live exclude each other: pick JSON lines or the dashboard');
  const envBootstrap = process.env[BOOTSTRAP_ENV]?.trim();
  const bootstrap = f.kafka ?? (envBootstrap !== undefined && envBootstrap !== '' ? envBootstrap : undefined);
  if (bootstrap === undefined) throw new UsageError(`--kafka <bootstrap> is required (or set ${BOOTSTRAP_ENV}); expected host:port[,host:port…]`);
  const settings = kafkaSettingsFromEnv(process.env, { bootstrap, connectTimeoutMs: (f.connectTimeout ?? 10) * 1000 });

  const tuiWanted = f.live === true && process.stdout.isTTY === true;
  if (f.live && !tuiWanted) process.stderr.write('--live: stdout is not a terminal; printing one line per message instead\n');
  const heldLogs: string[] = [];
  const sink: LogSink = tuiWanted ? { write: (line: string) => heldLogs.push(line) } : process.stderr;
  const logger = new Logger({ run, role: 'metrics', level: f.verbose ? 'debug' : 'error', sink });
  const client = createKafka(settings, { run, role: 'metrics', logger });
  const topic = liveTopic(run);
  const historyEnd = await startOffsets(client, topic, f.fromStart === true);

  let finish: (code: number) => void = () => undefined;
  let fail: (err: KafkaError) => void = () => undefined;
  const ended = new Promise<number>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  ended.catch(() => undefined); // a failure after the tail ended (or after start() failed) is not an unhandled rejection

  const tui = tuiWanted ? new LiveTui(run, process.stdout, { color: colourWanted() }) : null;
  const output: LiveOutput = tui ?? (f.json ? jsonOutput() : lineOutput());
  const tail = new LiveTail({ run, topic, historyEnd, output });
  const consumer = new JsonConsumer(client, [topic], (m) => {
    if (tail.finished) return;
    tail.noteUndecodable(consumer.stats.malformed);
    if (tail.handle({ partition: m.partition, offset: m.offset, value: m.value })) finish(EXIT_OK);
  }, { fromBeginning: true, maxWaitTimeInMs: 250, onFatal: (e) => fail(e) });

  let interrupts = 0;
  const onSignal = (code: number) => () => {
    interrupts += 1;
    if (interrupts > 1) {
      tui?.close(); // a second Ctrl-C while stopping: leave now, terminal restored
      process.exit(code);
    }
    finish(code);
  };
  const onSigint = onSignal(EXIT_INTERRUPTED);
  const onSigterm = onSignal(EXIT_TERMINATED);
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') finish(EXIT_OK); // the reader went away (`| head`): nothing more to show
    else fail(new KafkaError(`cannot write to stdout: ${err.message}`));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.stdout.on('error', onStdoutError);
  const poll = setInterval(() => tail.noteUndecodable(consumer.stats.malformed), MALFORMED_POLL_MS);
  poll.unref();

  try {
    tui?.open();
    await Promise.race([consumer.start(), ended]);
    return await ended;
  } finally {
    clearInterval(poll);
    // The terminal first, so Ctrl-C gives it back at once; the dashboard's last state stays on the main screen.
    const held = tui?.close() ?? { problems: [], notes: [] };
    if (tui !== null) {
      const { summary, latest, state } = tui.view;
      const lines = summary !== null ? formatRunSummary(summary) : latest !== null ? [formatLivePoint(latest)]
        : state !== null ? [formatRunState(state)] : [];
      for (const l of lines) process.stdout.write(`${l}\n`);
    }
    await stopWithin(consumer, STOP_GRACE_MS);
    tail.noteUndecodable(consumer.stats.malformed);
    const late = tui?.close() ?? { problems: [], notes: [] }; // what the tail reported while the consumer stopped
    for (const l of heldLogs) process.stderr.write(l);
    for (const l of [...held.notes, ...late.notes]) process.stderr.write(`${l}\n`);
    for (const l of [...held.problems, ...late.problems]) process.stderr.write(`warning: ${l}\n`);
    const skipped = tail.skippedSummary();
    if (skipped !== null) process.stderr.write(`${skipped}\n`);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.stdout.off('error', onStdoutError);
  }
}

/**
 * Per partition, where new records begin (the high watermark now), so what was there before is history; empty
 * with --from-start. Fails with one line when Kafka is unreachable within the connect timeout or the topic is
 * missing (naming the live topics that exist, with a did-you-mean).
 */
async function startOffsets(client: KafkaClient, topic: string, fromStart: boolean): Promise<Map<number, number>> {
  const admin = await client.connectedAdmin();
  try {
    let topics: string[];
    let offsets: { partition: number; high: string; low: string }[] = [];
    try {
      topics = await admin.listTopics();
      if (topics.includes(topic) && !fromStart) offsets = await admin.fetchTopicOffsets(topic);
    } catch (err) {
      throw new KafkaError(`cannot read the offsets of '${topic}' at ${client.bootstrap}: ${kafkaErrorText(err)}`, { cause: err });
    }
    if (!topics.includes(topic)) {
      const live = topics.filter((t) => /^ib\..+\.live$/.test(t)).sort();
      const runs = live.map((t) => t.slice(3, -5));
      const run = topic.slice(3, -5);
      const known = live.length === 0 ? 'no run has a live topic there' : `runs with a live topic: ${runs.slice(0, 10).join(', ')}${runs.length > 10 ? ', …' : ''}`;
      throw new KafkaError(`no live topic '${topic}' at ${client.bootstrap}: expected the name of a run that has started${didYouMean(run, runs)}; ${known}`);
    }
    const end = new Map<number, number>();
    for (const o of offsets) {
      const high = Number(o.high);
      if (Number.isFinite(high) && high > Number(o.low)) end.set(o.partition, high);
    }
    return end;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function lineOutput(): LiveOutput {
  return {
    show(m: LiveMessage): void {
      const lines = m.kind === 'point' ? [formatLivePoint(m)] : m.kind === 'state' ? [formatRunState(m)] : formatRunSummary(m);
      process.stdout.write(`${lines.join('\n')}\n`);
    },
    problem: (line) => process.stderr.write(`warning: ${line}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
    skipped: () => undefined,
  };
}

function jsonOutput(): LiveOutput {
  return {
    show: (_m, raw) => process.stdout.write(`${JSON.stringify(raw)}\n`),
    problem: (line) => process.stderr.write(`warning: ${line}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
    skipped: () => undefined,
  };
}

/** Colours on a TTY unless NO_COLOR is set or the terminal is 'dumb'. */
function colourWanted(): boolean {
  const noColor = process.env.NO_COLOR;
  return process.stdout.isTTY === true && (noColor === undefined || noColor === '') && process.env.TERM !== 'dumb';
}

async function stopWithin(consumer: JsonConsumer, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    consumer.stop().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
