// The coordinator's preparation of a run (SPEC §1.1, §10.2): the run's topics and the target's objects (adapter
// `prepare`), then the end offsets of each events topic, from which lag counts. Shared by the local run and the
// cluster coordinator. Must not publish anything on the run's topics nor start any role.

import type { PrepareResult, TargetAdapter } from '../adapters/types.js';
import type { Logger } from '../core/logger.js';
import { createKafka } from '../kafka/client-factory.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { ConsumerLagReader, type PartitionOffset } from '../kafka/offsets.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { readStartOffsets } from '../stream-agg/start-offsets.js';
import { prepareRun } from './target-session.js';

export interface PreparedRun {
  prepared: PrepareResult;
  /** Stream → end offsets of its events topic at prepare; null for a query-only run (no streams). */
  startOffsets: Record<string, PartitionOffset[]> | null;
  /** Topic and target warnings, in that order (shown once each by the caller). */
  warnings: string[];
}

/** Prepares topics and target, then records the start offsets. Rejects with the first failure (KafkaError, TargetError, …). */
export async function prepareForCoordinator(plan: RunPlan, adapter: TargetAdapter, kafka: KafkaSettings,
  logger: Logger): Promise<PreparedRun> {
  const { prepared, topicWarnings } = await prepareRun(plan, adapter, kafka, logger);
  const warnings = [...topicWarnings, ...(prepared.warnings ?? [])];
  let startOffsets: Record<string, PartitionOffset[]> | null = null;
  if (plan.streams.length > 0) {
    const client = createKafka(kafka, { run: plan.run.name, role: 'prepare', logger });
    const admin = await client.connectedAdmin();
    try {
      startOffsets = await readStartOffsets(new ConsumerLagReader(admin), Object.fromEntries(plan.streams.map((s) => [s.name, s.topic])));
    } finally {
      await admin.disconnect();
    }
  }
  return { prepared, startOffsets, warnings };
}
