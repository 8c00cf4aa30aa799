// Reads JSON messages of harness topics (control, metrics, live) from the start of the topic and hands each decoded
// one to a handler. Must not commit offsets, nor let a malformed message or a failing handler stop the reading.

import { randomUUID } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { KafkaError } from '../core/errors.js';
import type { KafkaClient } from './client-factory.js';
import { kafkaErrorText } from './kafkajs-errors.js';

export interface JsonMessage {
  topic: string;
  partition: number;
  offset: number;
  /** Message key as UTF-8, or null when the message has none. */
  key: string | null;
  /** The parsed JSON value; the caller checks its shape. */
  value: unknown;
  /** Message timestamp, unix ms (producer's create time unless the topic uses log-append time). */
  timestamp: number;
}

export type JsonMessageHandler = (message: JsonMessage) => void | Promise<void>;

export interface JsonConsumerOptions {
  /**
   * Consumer group. Default: a fresh group per reader (`<client id>-reader-<uuid>`), so the reader starts at the
   * earliest offset and depends on no earlier commit; nothing is ever committed, so the group leaves no state.
   */
  groupId?: string;
  /** Start at the earliest offset when the group has no commit (default true). */
  fromBeginning?: boolean;
  /** Longest a fetch waits for data; also bounds how long stop() takes (default 500 ms). */
  maxWaitTimeInMs?: number;
  /** Called once if kafkajs gives up on the consumer (a crash it does not restart from). */
  onFatal?: (error: KafkaError) => void;
}

export interface JsonConsumerStats {
  /** Messages decoded and handed to the handler. */
  received: number;
  /** Messages that were not one UTF-8 JSON value (counted and skipped). */
  malformed: number;
  /** Handler calls that threw or rejected (counted, logged, reading goes on). */
  handlerErrors: number;
}

/** Full detail for this many malformed messages / handler errors, then one line per LOG_EVERY. */
const LOG_FIRST = 10;
const LOG_EVERY = 1000;
const DEFAULT_MAX_WAIT_MS = 500;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type Decoded = { ok: true; key: string | null; value: unknown } | { ok: false; reason: string };

/** Decodes one Kafka message: key as UTF-8, value as one UTF-8 JSON text. */
export function decodeJsonMessage(key: Buffer | null, value: Buffer | null): Decoded {
  if (value === null || value.length === 0) return { ok: false, reason: 'no value' };
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return { ok: false, reason: 'value is not UTF-8' };
  }
  try {
    return { ok: true, key: key === null ? null : key.toString('utf8'), value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `value is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
}

export class JsonConsumer {
  readonly groupId: string;
  private readonly consumer: Consumer;
  private readonly counts: JsonConsumerStats = { received: 0, malformed: 0, handlerErrors: 0 };
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly joinedPromise: Promise<void>;
  private fatalReported = false;
  private notJoined: (err: KafkaError) => void = () => undefined;

  constructor(
    private readonly client: KafkaClient,
    private readonly topics: readonly string[],
    private readonly handler: JsonMessageHandler,
    private readonly opts: JsonConsumerOptions = {},
  ) {
    if (topics.length === 0) throw new KafkaError('JSON consumer needs at least one topic');
    this.groupId = opts.groupId ?? `${client.clientId}-reader-${randomUUID()}`;
    this.consumer = client.consumer({
      groupId: this.groupId,
      maxWaitTimeInMs: opts.maxWaitTimeInMs ?? DEFAULT_MAX_WAIT_MS,
      allowAutoTopicCreation: false,
    });
    this.joinedPromise = new Promise<void>((resolve, reject) => {
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
      this.notJoined = (err) => {
        off();
        reject(err);
      };
    });
    this.joinedPromise.catch(() => undefined); // a caller that never asks must not see an unhandled rejection
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      const text = kafkaErrorText(error);
      if (restart) {
        this.client.logger.warn('JSON consumer restarts after an error', { topics: this.topics, groupId: this.groupId, error: text });
        return;
      }
      this.client.logger.error('JSON consumer stopped after an error', { topics: this.topics, groupId: this.groupId, error: text });
      if (!this.fatalReported && !this.stopping) {
        this.fatalReported = true;
        const fatal = new KafkaError(`reading ${this.topics.join(', ')} stopped: ${text}`, { cause: error });
        this.notJoined(fatal);
        this.opts.onFatal?.(fatal);
      }
    });
  }

  get stats(): Readonly<JsonConsumerStats> {
    return { ...this.counts };
  }

  /** Connects (within the connect timeout), subscribes and starts reading; resolves once reading has begun. */
  start(): Promise<void> {
    this.starting ??= this.run().catch((err: unknown) => {
      const e = err instanceof KafkaError ? err : new KafkaError(kafkaErrorText(err), { cause: err });
      this.notJoined(e);
      throw e;
    });
    return this.starting;
  }

  /**
   * Resolves when the consumer has joined its group and been given partitions (the mock takes ~3 s); rejects if
   * start() fails, the consumer stops for good, or stop() comes first.
   */
  joined(): Promise<void> {
    return this.joinedPromise;
  }

  /** Stops reading and disconnects (waits at most about maxWaitTimeInMs for a fetch in flight); idempotent. */
  stop(): Promise<void> {
    this.notJoined(new KafkaError(`reading ${this.topics.join(', ')} was stopped before the consumer joined its group`));
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.consumer.disconnect();
    })();
    return this.stopping;
  }

  private async run(): Promise<void> {
    await this.client.connectOrFail(this.consumer, 'consumer');
    try {
      await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: this.opts.fromBeginning ?? true });
      await this.consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => this.deliver(topic, partition, message),
      });
    } catch (err) {
      await this.consumer.disconnect().catch(() => undefined);
      throw new KafkaError(`cannot read ${this.topics.map((t) => `'${t}'`).join(', ')}: ${kafkaErrorText(err)}`, { cause: err });
    }
  }

  private async deliver(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const decoded = decodeJsonMessage(message.key, message.value);
    const where = { topic, partition, offset: message.offset };
    if (!decoded.ok) {
      this.counts.malformed += 1;
      if (shouldLog(this.counts.malformed)) {
        this.client.logger.warn('skipped a malformed message', { ...where, reason: decoded.reason, malformed: this.counts.malformed });
      }
      return;
    }
    this.counts.received += 1;
    try {
      await this.handler({ topic, partition, offset: Number(message.offset), key: decoded.key, value: decoded.value,
        timestamp: Number(message.timestamp) });
    } catch (err) {
      this.counts.handlerErrors += 1;
      if (shouldLog(this.counts.handlerErrors)) {
        this.client.logger.error('message handler failed', { ...where, error: kafkaErrorText(err), handlerErrors: this.counts.handlerErrors });
      }
    }
  }
}

function shouldLog(n: number): boolean {
  return n <= LOG_FIRST || n % LOG_EVERY === 0;
}
