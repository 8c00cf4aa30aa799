// `incidentbench run --k8s`: turns a scenario file and run flags into the IncidentBenchRun the operator runs
// (SPEC §14, §15.1) — the scenario inline (sql_file read into sql), the target config inline, only the flags given.
// Must not talk to the cluster.

import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { UsageError } from '../core/errors.js';
import { RUN_API_VERSION, RUN_KIND, type IncidentBenchRun, type RunSpec } from '../control/k8s/run-resource.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { loadTargetConfig, type RunFlags } from './run-flags.js';

export interface ClusterFlags {
  namespace?: string;
  image?: string;
  credentialsSecret?: string;
  kafkaSecret?: string;
}

/** The scenario document with every `sql_file` replaced by the file's text (a pod has no scenario folder). */
export function inlineScenario(loaded: LoadedScenario): Record<string, unknown> {
  const doc = structuredClone(loaded.doc) as unknown as Record<string, unknown>;
  const inlineQueries = (queries: unknown) => {
    if (!Array.isArray(queries)) return;
    for (const q of queries as Record<string, unknown>[]) {
      if (typeof q.sql_file === 'string') {
        q.sql = readFileSync(resolvePath(loaded.baseDir, q.sql_file), 'utf8');
        delete q.sql_file;
      }
    }
  };
  inlineQueries((doc.query_mix as { queries?: unknown } | undefined)?.queries);
  const session = doc.query_session as { categories?: { queries?: unknown }[] } | undefined;
  for (const c of session?.categories ?? []) inlineQueries(c.queries);
  return doc;
}

function eventsTopics(values: string[] | undefined): NonNullable<RunSpec['kafka']['topics']> | undefined {
  if (!values || values.length === 0) return undefined;
  const topics: NonNullable<RunSpec['kafka']['topics']> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i < 0) topics.events = v;
    else (topics.streams ??= {})[v.slice(0, i)] = v.slice(i + 1);
  }
  return topics;
}

/** The resource for `plan` (already checked by planFromFlags with cluster defaults). */
export function runResourceFromFlags(loaded: LoadedScenario, plan: RunPlan, f: RunFlags & ClusterFlags): IncidentBenchRun {
  if (!plan.target) throw new UsageError('--target <adapter> and --target-config <file> are required for a run');
  if (plan.kafka.bootstrap.length === 0) {
    throw new UsageError('--kafka <bootstrap> is required: the Kafka the pods reach (e.g. kafka.kafka.svc:9092)');
  }
  const topics = eventsTopics(f.eventsTopic);
  const spec: RunSpec = {
    scenario: inlineScenario(loaded),
    target: {
      adapter: plan.target.adapter,
      ...(f.targetConfig ? { config: loadTargetConfig(f.targetConfig) } : {}),
      ...(f.credentialsSecret ? { credentialsSecretRef: { name: f.credentialsSecret } } : {}),
      ...(f.reuseTarget ? { reuse: true } : {}),
    },
    kafka: {
      bootstrapServers: plan.kafka.bootstrap.join(','),
      ...(topics ? { topics } : {}),
      ...(f.partitions !== undefined ? { partitions: f.partitions } : {}),
      ...(f.acks !== undefined ? { acks: f.acks as 'all' | '-1' | '0' | '1' } : {}),
      ...(f.compression !== undefined ? { compression: f.compression as 'none' | 'gzip' } : {}),
      ...(f.manageTopics === false ? { manageTopics: false } : {}),
      ...(f.kafkaSecret ? { saslSecretRef: { name: f.kafkaSecret } } : {}),
    },
    ...(f.maxInflightBatches !== undefined || f.maxInFlight !== undefined || f.freshness === false ? { harness: {
      ...(f.maxInflightBatches !== undefined ? { maxInflightBatches: f.maxInflightBatches } : {}),
      ...(f.maxInFlight !== undefined ? { maxInFlight: f.maxInFlight } : {}),
      ...(f.freshness === false ? { freshness: { enabled: false } } : {}),
    } } : {}),
    ...(f.drainTimeout !== undefined ? { drainTimeoutSeconds: f.drainTimeout } : {}),
    ...(f.readyTimeout !== undefined ? { readyTimeoutSeconds: f.readyTimeout } : {}),
    ...(f.durationScale !== undefined || f.rateScale !== undefined ? { scaling: {
      ...(f.durationScale !== undefined ? { durationScale: f.durationScale } : {}),
      ...(f.rateScale !== undefined ? { rateScale: f.rateScale } : {}),
    } } : {}),
    workers: {
      ingest: { replicas: plan.workers.ingest.count > 0 ? plan.workers.ingest.count : 1, threads: plan.workers.ingest.threads },
      query: { replicas: f.queryWorkers ?? plan.workers.query[0]?.count ?? 1 },
    },
    ...(f.seed !== undefined ? { seed: f.seed } : {}),
    ...(f.image ? { image: f.image } : {}),
    ...(f.threshold && f.threshold.length > 0 ? { thresholds: f.threshold } : {}),
  };
  return {
    apiVersion: RUN_API_VERSION,
    kind: RUN_KIND,
    metadata: { name: plan.run.name, ...(f.namespace ? { namespace: f.namespace } : {}),
      labels: { 'app.kubernetes.io/name': 'incidentbench',
        'incidentbench.io/scenario': plan.scenario.name.slice(0, 63).replace(/^-+|-+$/g, '') } },
    spec,
  };
}
