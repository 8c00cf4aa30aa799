// Shared pieces of the Kafka plumbing integration tests: a client on the test Kafka, a log capture, a bounded wait.
// Must not start or stop brokers itself (each test file owns its test Kafka and stops it in `after`).

import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '../../../src/core/logger.js';
import { createKafka, type KafkaClient } from '../../../src/kafka/client-factory.js';
import { kafkaSettingsFromEnv } from '../../../src/kafka/kafka-config.js';

export interface CapturedLog {
  logger: Logger;
  lines: string[];
}

/** A logger keeping its lines (warn and above unless told otherwise). */
export function captureLog(level: 'debug' | 'info' | 'warn' = 'warn'): CapturedLog {
  const lines: string[] = [];
  return { logger: new Logger({ level, run: 'it', role: 'test', sink: { write: (l: string) => lines.push(l) } }), lines };
}

export function testClient(bootstrap: string, role: string, logger: Logger, connectTimeoutMs = 5000): KafkaClient {
  return createKafka(kafkaSettingsFromEnv({}, { bootstrap, connectTimeoutMs }), { run: 'it', role, logger });
}

/** Polls until `cond` holds; bounded by mocha's timeout, asserts no duration. */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await sleep(20);
}
