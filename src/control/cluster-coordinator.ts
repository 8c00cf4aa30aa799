// The coordinator as its own process (SPEC §1.4 Kubernetes, §15.2): the target adapter from the plan (credentials
// from the environment, as a pod gets them), preparation, start offsets, then the coordinator role with the cluster
// START lead; plan.json and the reports go to the output folder. A failed preparation is published on the live topic
// as RunState `failed` (the operator's reason) and rejects. Must not start workers nor talk to Kubernetes.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IncidentBenchError, RunError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Timers } from '../core/timers.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import type { RunPlan } from '../scenario/plan-types.js';
import type { TargetAdapter } from '../adapters/types.js';
import { runCoordinator, type CoordinatorResult } from './coordinator.js';
import { publishFailedState } from './failed-state.js';
import { prepareForCoordinator, type PreparedRun } from './run-preparation.js';
import { START_LEAD_MS } from './start-time.js';
import { adapterFor } from './target-session.js';

export interface ClusterCoordinatorOptions {
  plan: RunPlan;
  planHash: string;
  kafka: KafkaSettings;
  /** plan.json, snapshots.jsonl, run.json, report.html, timeseries.csv. */
  outDir: string;
  timers: Timers;
  logger: Logger;
  /** SIGTERM/SIGINT: abort, flush, partial report (exit 130). A RunError reason fails the run (exit 1). */
  signal?: AbortSignal;
  /** Called once preparation is done, with its warnings (each also logged). */
  onPrepared?: (warnings: string[]) => void;
}

export interface ClusterCoordinatorResult extends CoordinatorResult {
  /** Topic and target warnings of the preparation. */
  warnings: string[];
}

/** The run failed before START could be attempted: preparation (Kafka, target, start offsets) or opening the run. */
export class PreparationError extends RunError {}

export async function runClusterCoordinator(o: ClusterCoordinatorOptions): Promise<ClusterCoordinatorResult> {
  const { plan, logger } = o;
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  let adapter: TargetAdapter | null = null;
  let prep: PreparedRun;
  try {
    // The target config is inline in the plan; its secrets come from the pod's environment (credentialsSecretRef).
    adapter = adapterFor(plan, logger);
    logger.info('preparing', { target: plan.target?.adapter, topics: plan.streams.map((s) => s.topic) });
    prep = await prepareForCoordinator(plan, adapter, o.kafka, logger);
  } catch (err) {
    await adapter?.close?.().catch(() => undefined);
    throw await failed(o, `preparation failed: ${oneLine(err)}`, err);
  }
  for (const w of prep.warnings) logger.warn(w);
  o.onPrepared?.(prep.warnings);
  try {
    const result = await runCoordinator({ plan, planHash: o.planHash, kafka: o.kafka, adapter, prepared: prep.prepared,
      startOffsets: prep.startOffsets, outDir: o.outDir, timers: o.timers, logger, startLeadMs: START_LEAD_MS.cluster,
      ...(o.signal ? { signal: o.signal } : {}) });
    return { ...result, warnings: prep.warnings };
  } catch (err) {
    // runCoordinator reports every failure after its aggregation opened; this is one before (Kafka lost meanwhile).
    throw await failed(o, `the coordinator could not open the run: ${oneLine(err)}`, err);
  } finally {
    await adapter.close?.().catch(() => undefined);
  }
}

/** Publishes the failure on the live topic (best effort) and returns the error to throw. */
async function failed(o: ClusterCoordinatorOptions, reason: string, cause: unknown): Promise<PreparationError> {
  const published = await publishFailedState(o.plan, o.kafka, reason, o.timers, o.logger);
  o.logger.debug(published ? 'failed state published on the live topic' : 'failed state not published', { reason });
  return new PreparationError(reason, { cause });
}

/** An error's message on one line (a ConfigError lists its problems on several). */
function oneLine(err: unknown): string {
  const message = err instanceof IncidentBenchError || err instanceof Error ? err.message : String(err);
  return message.split('\n').map((l) => l.trim()).filter((l) => l !== '').join('; ');
}
