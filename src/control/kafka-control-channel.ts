// The control topic over Kafka (SPEC §9): messages keyed by the run name (one ordered partition stream), read
// from the beginning by every participant and replayed to late subscribers. Must not interpret messages.

import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { KafkaClient } from '../kafka/client-factory.js';
import { JsonConsumer } from '../kafka/json-consumer.js';
import { JsonProducer } from '../kafka/json-producer.js';
import { envelope, type ControlChannel, type ControlHandler, type Sender } from './control-channel.js';
import { parseControlMessage, type ControlMessage, type Outgoing } from './protocol.js';

export class KafkaControlChannel implements ControlChannel {
  private readonly producer: JsonProducer<ControlMessage>;
  private readonly consumer: JsonConsumer;
  private readonly log: { msg: ControlMessage; receivedAt: number }[] = [];
  private readonly handlers = new Set<ControlHandler>();
  private rejected = 0;
  /** Highest offset handled per partition: a reader that kafkajs restarts reads the topic again from its beginning. */
  private readonly handled = new Map<number, number>();

  constructor(
    client: KafkaClient,
    private readonly topic: string,
    private readonly sender: Sender & { clock: Clock },
    private readonly logger: Logger,
  ) {
    this.producer = new JsonProducer<ControlMessage>(client);
    this.consumer = new JsonConsumer(client, [topic], (m) => {
      if (m.offset <= (this.handled.get(m.partition) ?? -1)) return; // replayed after a restart: seen already
      this.handled.set(m.partition, m.offset);
      const parsed = parseControlMessage(m.value);
      if (!parsed.ok) {
        this.rejected++;
        this.logger.warn('control message ignored', { offset: m.offset, reason: parsed.reason });
        return;
      }
      if (parsed.message.run !== sender.run) return; // another run sharing the topic
      const entry = { msg: parsed.message, receivedAt: sender.clock.nowMs() };
      this.log.push(entry);
      for (const h of [...this.handlers]) h(entry.msg, entry.receivedAt);
    });
  }

  /** Connects the producer and starts reading the topic from its beginning. */
  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.start();
  }

  /** Resolves once the reader has joined (only then are messages guaranteed to flow). */
  joined(): Promise<void> {
    return this.consumer.joined();
  }

  async send(msg: Outgoing): Promise<void> {
    await this.producer.send(this.topic, this.sender.run, envelope(this.sender, msg));
  }

  subscribe(handler: ControlHandler): () => void {
    for (const e of [...this.log]) handler(e.msg, e.receivedAt);
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  get rejectedMessages(): number {
    return this.rejected;
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.producer.disconnect();
  }
}
