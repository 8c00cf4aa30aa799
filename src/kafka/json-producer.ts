// A typed producer of JSON messages for the harness topics (control, metrics, live): one value of type T per
// message, UTF-8 JSON, keyed or round-robin. Must not choose topics or keys, nor swallow a failed send.

import type { Producer, RecordMetadata } from 'kafkajs';
import { KafkaError } from '../core/errors.js';
import type { KafkaClient } from './client-factory.js';
import { kafkaErrorText } from './kafkajs-errors.js';
import { compressionType, DEFAULT_PRODUCE_TUNING, harnessProducerConfig, type ProduceTuning } from './producer-options.js';

export interface JsonEntry<T> {
  /** null = no key (round-robin over partitions). */
  key: string | null;
  value: T;
}

/** Where a message landed: its partition and the offset of the first message of its request. */
export interface Delivery {
  topic: string;
  partition: number;
  baseOffset: number | null;
}

export interface JsonProducerOptions extends Partial<ProduceTuning> {
  /** How long the broker may take to acknowledge (kafkajs `timeout`, default kafkajs' 30 s). */
  ackTimeoutMs?: number;
}

/** JSON text of one value; a value JSON cannot represent (undefined, a function, a cycle, a BigInt) is a TypeError. */
export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (typeof text !== 'string') throw new TypeError(`cannot send ${typeof value} as JSON`);
  return text;
}

export class JsonProducer<T> {
  private readonly producer: Producer;
  private readonly tuning: ProduceTuning;
  private readonly compression: ReturnType<typeof compressionType>;
  private connected = false;

  constructor(private readonly client: KafkaClient, private readonly opts: JsonProducerOptions = {}) {
    this.tuning = { ...DEFAULT_PRODUCE_TUNING, ...stripUndefined(opts) };
    this.compression = compressionType(this.tuning.compression);
    this.producer = client.producer(harnessProducerConfig());
  }

  /** Connects within the connect timeout (KafkaError naming the bootstrap address otherwise). */
  async connect(): Promise<void> {
    await this.client.connectOrFail(this.producer, 'producer');
    this.connected = true;
  }

  async send(topic: string, key: string | null, value: T): Promise<Delivery[]> {
    return this.sendBatch(topic, [{ key, value }]);
  }

  /** Sends the entries in one request (per partition leader); resolves once acknowledged per `acks`. */
  async sendBatch(topic: string, entries: readonly JsonEntry<T>[]): Promise<Delivery[]> {
    if (!this.connected) throw new KafkaError(`JSON producer for '${topic}' used before connect()`);
    if (entries.length === 0) return [];
    const messages = entries.map((e) => ({ key: e.key, value: encodeJson(e.value) }));
    let meta: RecordMetadata[];
    try {
      meta = await this.producer.send({
        topic,
        messages,
        acks: this.tuning.acks,
        compression: this.compression,
        ...(this.opts.ackTimeoutMs !== undefined ? { timeout: this.opts.ackTimeoutMs } : {}),
      });
    } catch (err) {
      throw new KafkaError(`sending ${entries.length} message(s) to '${topic}' failed: ${kafkaErrorText(err)}`, { cause: err });
    }
    return meta.map((m) => ({
      topic: m.topicName,
      partition: m.partition,
      baseOffset: m.baseOffset !== undefined && m.baseOffset !== '-1' ? Number(m.baseOffset) : null,
    }));
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }
}

function stripUndefined(o: JsonProducerOptions): Partial<ProduceTuning> {
  const out: Partial<ProduceTuning> = {};
  if (o.acks !== undefined) out.acks = o.acks;
  if (o.compression !== undefined) out.compression = o.compression;
  return out;
}
