// Tells the live topic that a run failed before the coordinator's aggregation existed (SPEC §10.3, §15.2): one
// RunState `failed` with the reason, which the operator turns into the run's Failed condition. Best effort: Kafka may
// be the thing that failed. Must not throw, nor retry beyond the connect timeout.

import type { Logger } from '../core/logger.js';
import type { Timers } from '../core/timers.js';
import { createKafka } from '../kafka/client-factory.js';
import { JsonProducer } from '../kafka/json-producer.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { LivePublisher } from '../stream-agg/live-publisher.js';
import type { LiveMessage } from '../stream-agg/live-types.js';

/** How long the broker gets to acknowledge the state once connected. */
const ACK_TIMEOUT_MS = 5000;

/** Publishes RunState { stage: 'failed', reason }; resolves true when Kafka acknowledged it, false otherwise (logged at debug). */
export async function publishFailedState(plan: RunPlan, kafka: KafkaSettings, reason: string, timers: Timers,
  logger: Logger): Promise<boolean> {
  const client = createKafka(kafka, { run: plan.run.name, role: 'coordinator-state', logger });
  const producer = new JsonProducer<LiveMessage>(client, { ackTimeoutMs: ACK_TIMEOUT_MS });
  try {
    await producer.connect();
  } catch (err) {
    logger.debug('cannot publish the failed state: Kafka unreachable', { error: (err as Error).message });
    return false;
  }
  const live = new LivePublisher({ producer, topic: plan.kafka.topics.live, run: plan.run.name, runId: plan.run.id,
    clock: timers.clock, logger });
  const expected = { ingest: plan.workers.ingest.count, query: plan.workers.query.reduce((a, g) => a + g.count, 0) };
  const sent = await live.publish({ kind: 'state', stage: 'failed', ready: { ingest: 0, query: 0 }, expected, reason });
  await live.close();
  return sent;
}
