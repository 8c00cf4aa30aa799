// Reads one run's live topic `ib.<run>.live` from its earliest offset for the operator (SPEC §10.3, §15.2) and keeps
// the latest RunState, LivePoint and RunSummary of that run id; tells its owner on every change, and says since when
// Kafka cannot be reached. Must not commit offsets, write to Kafka, or decide anything about the run.

import type { Logger } from '../../core/logger.js';
import type { Timers, TimerHandle } from '../../core/timers.js';
import { createKafka } from '../../kafka/client-factory.js';
import { JsonConsumer, type JsonMessage } from '../../kafka/json-consumer.js';
import type { KafkaSettings } from '../../kafka/kafka-config.js';
import { hasKafkaErrorType, kafkaErrorText } from '../../kafka/kafkajs-errors.js';
import { parseLiveMessage, type LivePoint, type RunState, type RunSummary } from '../../stream-agg/live-types.js';

export interface LiveView {
  state: RunState | null;
  point: LivePoint | null;
  summary: RunSummary | null;
  kafkaError: { message: string; sinceMs: number } | null;
}

export interface LiveFollowerOptions {
  run: string;
  /** Only messages of this run id count (an older run of the same name may have left messages); null = any. */
  runId: string | null;
  topic: string;
  /** Settings are resolved on every (re)connect, so a fixed Secret is picked up. */
  settings: () => Promise<KafkaSettings>;
  logger: Logger;
  timers: Timers;
  /** Called after the view changed. */
  onChange: () => void;
  /** Wait before reconnecting after a failure (default 5 s). */
  retryMs?: number;
}

/** The part of LiveFollower the operator uses (tests may substitute their own). */
export interface LiveSource {
  view(): LiveView;
  stop(): Promise<void>;
}

export class LiveFollower implements LiveSource {
  private state: RunState | null = null;
  private point: LivePoint | null = null;
  private summary: RunSummary | null = null;
  private kafkaError: LiveView['kafkaError'] = null;
  private consumer: JsonConsumer | null = null;
  private retry: TimerHandle | null = null;
  private stopped = false;
  private problemsLogged = 0;

  constructor(private readonly o: LiveFollowerOptions) {
    void this.connect();
  }

  view(): LiveView {
    return { state: this.state, point: this.point, summary: this.summary, kafkaError: this.kafkaError };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retry?.cancel();
    const c = this.consumer;
    this.consumer = null;
    await c?.stop().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let consumer: JsonConsumer | null = null;
    try {
      const settings = await this.o.settings();
      const client = createKafka(settings, { run: this.o.run, role: 'operator', logger: this.o.logger, clock: this.o.timers.clock });
      consumer = new JsonConsumer(client, [this.o.topic], (m) => this.handle(m), {
        fromBeginning: true, maxWaitTimeInMs: 250, onFatal: (e) => this.failed(e, consumer),
      });
      this.consumer = consumer;
      await consumer.start();
      if (this.stopped) return;
      if (this.kafkaError !== null) {
        this.kafkaError = null;
        this.o.onChange();
      }
    } catch (err) {
      this.failed(err, consumer);
    }
  }

  private failed(err: unknown, consumer: JsonConsumer | null): void {
    if (this.stopped) return;
    if (consumer !== null) void consumer.stop().catch(() => undefined);
    if (this.consumer === consumer) this.consumer = null;
    // The coordinator creates the topic while preparing: a missing topic is "not yet", not "unreachable".
    const missingTopic = hasKafkaErrorType(err, 'UNKNOWN_TOPIC_OR_PARTITION');
    const message = kafkaErrorText(err);
    this.o.logger.warn('cannot read the live topic; retrying', { topic: this.o.topic, error: message });
    if (!missingTopic && this.kafkaError === null) {
      this.kafkaError = { message, sinceMs: this.o.timers.clock.nowMs() };
      this.o.onChange();
    }
    this.retry?.cancel();
    this.retry = this.o.timers.after(this.o.retryMs ?? 5_000, () => void this.connect());
  }

  private handle(m: JsonMessage): void {
    const parsed = parseLiveMessage(m.value);
    if (!parsed.ok) {
      if (this.problemsLogged++ < 5) this.o.logger.warn('skipped a malformed live message', { topic: m.topic, offset: m.offset, reason: parsed.reason });
      return;
    }
    const msg = parsed.message;
    if (msg.run !== this.o.run || (this.o.runId !== null && msg.runId !== this.o.runId)) return;
    let changed = false;
    if (msg.kind === 'state' && (this.state === null || msg.at >= this.state.at)) {
      this.state = msg;
      changed = true;
    } else if (msg.kind === 'point' && (this.point === null || msg.second >= this.point.second)) {
      this.point = msg;
      changed = true;
    } else if (msg.kind === 'summary') {
      this.summary = msg;
      changed = true;
    }
    if (changed) this.o.onChange();
  }
}
