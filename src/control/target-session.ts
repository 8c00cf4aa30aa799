// Opens what standalone commands need around a plan (prepare, cleanup, query, load): the target adapter bound to
// its config (validated, secrets read, no network call) and the run's Kafka topics. Must not run a benchmark.

import { readFileSync } from 'node:fs';
import { createAdapter } from '../adapters/registry.js';
import { streamContexts } from '../adapters/stream-contexts.js';
import type { PrepareResult, TargetAdapter } from '../adapters/types.js';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { createKafka } from '../kafka/client-factory.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { deleteTopics, ensureTopics } from '../kafka/topics.js';
import type { RunPlan } from '../scenario/plan-types.js';

/** The plan's adapter; a plan without a target is a usage error naming --target. */
export function adapterFor(plan: RunPlan, logger: Logger, configFile?: string): TargetAdapter {
  if (!plan.target) throw new UsageError('--target <adapter> and --target-config <file> are required');
  return createAdapter(plan.target.adapter, plan.target.config, {
    secrets: { env: process.env, readFile: (p) => readFileSync(p, 'utf8') },
    configFile, logger, idField: plan.harness.freshness.idField, maxInFlight: plan.harness.maxInFlight,
  });
}

/** Every topic of the run with its partition count: events per stream, control (1), metrics (4), live (1). */
export function runTopics(plan: RunPlan): { name: string; partitions: number }[] {
  return [
    ...plan.streams.map((s) => ({ name: s.topic, partitions: s.partitions })),
    { name: plan.kafka.topics.control, partitions: 1 },
    { name: plan.kafka.topics.metrics, partitions: 4 },
    { name: plan.kafka.topics.live, partitions: 1 },
  ];
}

export async function prepareRun(plan: RunPlan, adapter: TargetAdapter, kafka: KafkaSettings | null,
  logger: Logger): Promise<{ prepared: PrepareResult; topicWarnings: string[] }> {
  let topicWarnings: string[] = [];
  if (kafka) {
    const client = createKafka(kafka, { run: plan.run.name, role: 'prepare', logger });
    const admin = await client.connectedAdmin();
    try {
      const r = await ensureTopics(admin, runTopics(plan), { manage: plan.kafka.manageTopics, logger });
      topicWarnings = r.warnings;
    } finally {
      await admin.disconnect();
    }
  }
  const prepared = await adapter.prepare({ run: plan.run.name, runId: plan.run.id, streams: streamContexts(plan), logger,
    kafkaBootstrap: plan.kafka.bootstrap, reuseTarget: plan.harness.reuseTarget });
  return { prepared, topicWarnings };
}

export async function cleanupRun(plan: RunPlan, adapter: TargetAdapter, kafka: KafkaSettings | null, logger: Logger,
  prepared: PrepareResult | null = null): Promise<string[]> {
  await adapter.cleanup({ run: plan.run.name, runId: plan.run.id, streams: streamContexts(plan), logger, prepared });
  if (!kafka || !plan.kafka.manageTopics) return [];
  const client = createKafka(kafka, { run: plan.run.name, role: 'cleanup', logger });
  const admin = await client.connectedAdmin();
  try {
    const r = await deleteTopics(admin, runTopics(plan).map((t) => t.name), { logger });
    return r.refused.length > 0 ? [`Kafka refused to delete ${r.refused.join(', ')}${r.reason ? `: ${r.reason}` : ''}`] : [];
  } finally {
    await admin.disconnect();
  }
}
