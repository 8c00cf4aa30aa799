// The local (test-grade) Kafka of tests and `incidentbench demo`: librdkafka's mock cluster (mock-kafka helper) as a
// child, driven for fault tests. Must not touch any process but the one child it started, nor outlive the process that started it.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Socket } from 'node:net';
import { KafkaError } from '../../core/errors.js';
import { buildMockKafka } from './mock-kafka-build.js';
import { CommandChannel } from './command-channel.js';

export interface TestKafka {
  /** Comma-separated host:port list to give a Kafka client. */
  readonly bootstrap: string;
  /** One host:port per broker; brokers[i] is broker id i + 1. */
  readonly brokers: string[];
  /** The helper's process id (for diagnostics; stop() is the way to end it). */
  readonly pid: number;
  /** Creates a topic with replication factor 1; rejects with KafkaError "topic exists: <name>" if it exists. */
  createTopic(name: string, partitions: number): Promise<void>;
  /** Closes the broker's connections and refuses new ones (no leader change). */
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  /** Delays every response of the broker by `ms` milliseconds; 0 removes the delay. */
  setRtt(id: number, ms: number): Promise<void>;
  /** Sends one raw command line and resolves with its answer ("OK" or "ERR <reason>") without judging it. */
  send(line: string): Promise<string>;
  /** Ends the cluster and waits for the helper to exit; safe to call more than once. */
  stop(): Promise<void>;
}

export interface TestKafkaOptions {
  /** Number of brokers, 1..32 (default 1). */
  brokers?: number;
  /** How long one command may wait for its answer, and start-up for the BOOTSTRAP line (default 10 000). */
  commandTimeoutMs?: number;
  /**
   * Start the helper in a process group (and session) of its own, so a Ctrl-C in the terminal reaches only this
   * process, which then stops the helper in order (default false). It still ends when this process ends.
   */
  ownProcessGroup?: boolean;
}

/** The same Kafka under the name `incidentbench demo` uses for it. */
export type LocalKafka = TestKafka;
export type LocalKafkaOptions = TestKafkaOptions;

const MAX_BROKERS = 32;
const DEFAULT_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const STDERR_KEEP = 4_000;

export async function startTestKafka(opts: TestKafkaOptions = {}): Promise<TestKafka> {
  const brokerCount = opts.brokers ?? 1;
  if (!Number.isInteger(brokerCount) || brokerCount < 1 || brokerCount > MAX_BROKERS) {
    throw new RangeError(`brokers must be an integer 1..${MAX_BROKERS}, got ${String(brokerCount)}`);
  }
  const timeoutMs = opts.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const binary = await buildMockKafka();
  const child = spawn(binary, ['--brokers', String(brokerCount)], { stdio: ['pipe', 'pipe', 'pipe'],
    detached: opts.ownProcessGroup === true });
  return attach(child, brokerCount, timeoutMs);
}

export const startLocalKafka: (opts?: LocalKafkaOptions) => Promise<LocalKafka> = startTestKafka;

async function attach(child: ChildProcessWithoutNullStreams, brokerCount: number, timeoutMs: number): Promise<TestKafka> {
  let stderrTail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_KEEP);
  });
  const channel = new CommandChannel(child.stdin, child.stdout);
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      channel.fail(new KafkaError(`mock-kafka could not start: ${err.message}`, { cause: err }));
      resolve();
    });
    child.once('close', (code, signal) => {
      const how = signal ? `signal ${signal}` : `code ${String(code)}`;
      const said = lastLine(stderrTail);
      channel.fail(new KafkaError(`mock-kafka exited (${how})${said ? `: ${said}` : ''}`));
      resolve();
    });
  });
  // A forgotten helper must not keep the test process alive; its stdin closes when we exit, which ends it.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.stdin.end(); // EOF: the helper destroys the cluster and exits 0
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      } else {
        await exited;
      }
    })();
    return stopping;
  };

  try {
    const greeting = await channel.nextLine(timeoutMs, 'BOOTSTRAP line');
    const m = /^BOOTSTRAP (\S+)$/.exec(greeting);
    if (!m?.[1]) throw new KafkaError(`mock-kafka greeted with '${greeting}', expected 'BOOTSTRAP <host:port,...>'`);
    const bootstrap = m[1];
    const brokers = bootstrap.split(',');
    if (brokers.length !== brokerCount) {
      throw new KafkaError(`mock-kafka listed ${brokers.length} brokers for --brokers ${brokerCount}: ${bootstrap}`);
    }
    const command = async (line: string): Promise<void> => {
      const reply = await channel.request(line, timeoutMs);
      if (reply === 'OK') return;
      throw new KafkaError(`mock-kafka '${line}': ${reply.startsWith('ERR ') ? reply.slice(4) : reply}`);
    };
    return {
      bootstrap,
      brokers,
      pid: child.pid ?? -1,
      createTopic: async (name, partitions) => command(`create ${oneWord(name, 'topic name')} ${String(partitions)}`),
      brokerDown: async (id) => command(`down ${String(id)}`),
      brokerUp: async (id) => command(`up ${String(id)}`),
      setRtt: async (id, ms) => command(`rtt ${String(id)} ${String(ms)}`),
      send: (line) => channel.request(line, timeoutMs),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Refuses values that would split into several words (or lines) of the command protocol. */
function oneWord(value: string, what: string): string {
  if (value === '' || /\s/.test(value)) throw new RangeError(`${what} must be one non-empty word, got ${JSON.stringify(value)}`);
  return value;
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}
