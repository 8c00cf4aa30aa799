// Publishes the run's live messages (SPEC §10.3) on the live topic: adds the envelope { v, run, runId, at } and
// sends in order under key = run name. Must not compute message content, nor let a failed send reach its caller.

import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { JsonProducer } from '../kafka/json-producer.js';
import type { LiveMessage, LivePoint, RunState, RunSummary } from './live-types.js';

type Envelope = 'v' | 'run' | 'runId' | 'at';
/** A live message without its envelope: what the coordinator hands over. */
export type LiveBody = Omit<RunState, Envelope> | Omit<LivePoint, Envelope> | Omit<RunSummary, Envelope>;

export interface LivePublisherOptions {
  /** Connected; close() disconnects it. */
  producer: Pick<JsonProducer<LiveMessage>, 'sendBatch' | 'disconnect'>;
  /** plan.kafka.topics.live */
  topic: string;
  run: string;
  runId: string;
  /** Stamps `at`. */
  clock: Clock;
  logger: Logger;
}

export interface LivePublisherStats {
  sent: number;
  failed: number;
  /** Failures by message, in order of first occurrence. */
  failures: { message: string; count: number }[];
}

interface Queued {
  message: LiveMessage;
  done: (sent: boolean) => void;
}

/** Most messages one send carries (they queue only while a previous send is in flight). */
const MAX_BATCH = 100;
const MAX_FAILURE_MESSAGES = 20;
const OTHER_FAILURES = '(other messages)';

export class LivePublisher {
  private readonly queue: Queued[] = [];
  private sending: Promise<void> | null = null;
  private closing: Promise<LivePublisherStats> | null = null;
  private readonly failures = new Map<string, number>();
  private sent = 0;
  private failed = 0;

  constructor(private readonly opts: LivePublisherOptions) {}

  /**
   * Stamps the envelope now and queues the message; sends keep the order of publish calls. Resolves true once
   * Kafka acknowledged it, false when it failed (counted and logged) — never rejects.
   */
  publish(body: LiveBody): Promise<boolean> {
    const { run, runId, clock } = this.opts;
    const message = { v: 1, run, runId, at: Math.floor(clock.nowMs()), ...body } as LiveMessage;
    if (this.closing !== null) {
      this.countFailure(1, `live message '${message.kind}' published after close()`);
      return Promise.resolve(false);
    }
    return new Promise<boolean>((done) => {
      this.queue.push({ message, done });
      this.pump();
    });
  }

  /** Sends what is queued, then disconnects the producer; resolves with the counts (never rejects). */
  close(): Promise<LivePublisherStats> {
    this.closing ??= (async () => {
      while (this.sending !== null) await this.sending;
      try {
        await this.opts.producer.disconnect();
      } catch (err) {
        this.opts.logger.warn('live topic producer did not disconnect cleanly', { error: messageOf(err) });
      }
      if (this.failed > 0) {
        this.opts.logger.warn('live messages not published', { topic: this.opts.topic, failed: this.failed, sent: this.sent });
      }
      return this.stats();
    })();
    return this.closing;
  }

  stats(): LivePublisherStats {
    return { sent: this.sent, failed: this.failed, failures: [...this.failures].map(([message, count]) => ({ message, count })) };
  }

  private pump(): void {
    if (this.sending !== null || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    const { producer, topic, run } = this.opts;
    let call: Promise<unknown>;
    try {
      call = producer.sendBatch(topic, batch.map((q) => ({ key: run, value: q.message })));
    } catch (err) {
      call = Promise.reject(err);
    }
    this.sending = call.then(
      () => {
        this.sent += batch.length;
        for (const q of batch) q.done(true);
      },
      (err: unknown) => {
        this.countFailure(batch.length, messageOf(err));
        for (const q of batch) q.done(false);
      },
    ).finally(() => {
      this.sending = null;
      this.pump();
    });
  }

  private countFailure(messages: number, reason: string): void {
    this.failed += messages;
    const key = this.failures.has(reason) || this.failures.size < MAX_FAILURE_MESSAGES ? reason : OTHER_FAILURES;
    const seen = this.failures.get(key) ?? 0;
    this.failures.set(key, seen + messages);
    if (seen === 0) this.opts.logger.warn('live message not published', { topic: this.opts.topic, messages, error: reason });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
