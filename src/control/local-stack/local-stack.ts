// The local stack of `incidentbench demo`: the local Kafka (1 broker) and ClickHouse, started side by side on free
// loopback ports, stopped together. Must not run anything against them, nor touch processes it did not start.

import { startClickHouse, type LocalClickHouse } from './local-clickhouse.js';
import { startTestKafka, type LocalKafka } from './local-kafka.js';

export interface LocalStack {
  readonly kafka: LocalKafka;
  readonly clickhouse: LocalClickHouse;
  /** Stops both (each waits for its process to exit; ClickHouse's folder is removed); idempotent. */
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Children in process groups of their own, so a terminal's Ctrl-C reaches only the caller (see LocalKafkaOptions). */
  ownProcessGroup?: boolean;
}

/** Starts both; when one fails, the other is stopped again and the failure (both, if both failed) is thrown. */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const own = opts.ownProcessGroup === true;
  const [kafka, clickhouse] = await Promise.allSettled([
    startTestKafka({ brokers: 1, ownProcessGroup: own }),
    startClickHouse({ ownProcessGroup: own }),
  ]);
  if (kafka.status === 'fulfilled' && clickhouse.status === 'fulfilled') {
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= Promise.all([kafka.value.stop(), clickhouse.value.stop()]).then(() => undefined);
      return stopping;
    };
    return { kafka: kafka.value, clickhouse: clickhouse.value, stop };
  }
  if (kafka.status === 'fulfilled') await kafka.value.stop();
  if (clickhouse.status === 'fulfilled') await clickhouse.value.stop();
  const reasons = [kafka, clickhouse].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (reasons.length === 1) throw reasons[0];
  const text = reasons.map((r) => (r instanceof Error ? r.message : String(r)));
  throw new Error(`the local Kafka did not start: ${text[0]}; ClickHouse did not start: ${text[1]}`);
}
