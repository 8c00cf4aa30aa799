// A request to run a scenario, whatever it came from (run flags, an IncidentBenchRun's spec), turned into a RunPlan
// (SPEC §4, defaults of §20). Every message names the setting the way its source spells it. Must not read files.

import { randomUUID } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../core/canonical-json.js';
import { UsageError } from '../core/errors.js';
import { ADAPTER_LANGUAGES, ADAPTER_NAMES, isAdapterName } from '../adapters/languages.js';
import { cpuLimitCores } from '../metrics/cpu-limit.js';
import { checkThresholdFlags } from '../scenario/check-rules.js';
import { DEFAULTS, defaultLocalThreads } from '../scenario/defaults.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { buildPlan } from '../scenario/plan.js';
import type { PlanTarget, RunPlan } from '../scenario/plan-types.js';
import { resolveScenario } from '../scenario/resolve.js';
import { didYouMean } from '../scenario/suggest.js';

/** The settings a request may carry; names follow SPEC §20's rows. */
export type RunSetting = 'runName' | 'target' | 'targetConfig' | 'ingestWorkers' | 'threads' | 'queryWorkers'
  | 'queryGroups' | 'eventsTopic' | 'threshold' | 'freshnessIdField';

export interface RunRequest {
  runName: string;
  /** Kubernetes defaults of workers and threads (§20 "cluster"). */
  cluster: boolean;
  target?: { adapter: string; config: Record<string, unknown> };
  kafka?: string[];
  seed?: number;
  durationScale?: number;
  rateScale?: number;
  ingestWorkers?: number;
  threads?: number;
  queryWorkers?: number;
  /** Per query group replicas (CRD `workers.queryGroups`); groups not named get `queryWorkers`. */
  queryWorkersByGroup?: Record<string, number>;
  thresholds?: string[];
  manageTopics?: boolean;
  /** Events topic per stream; key '' for the single stream. */
  eventsTopics?: Record<string, string>;
  drainTimeoutS?: number;
  readyTimeoutS?: number;
  reuseTarget?: boolean;
  partitions?: number;
  acks?: -1 | 0 | 1;
  compression?: string;
  maxInflightBatches?: number;
  maxInFlight?: number;
  freshness?: { enabled?: boolean; intervalS?: number; idField?: string };
  runId?: string;
  /** How the source spells a setting in messages: `--target` for flags, `spec.target.adapter` for a resource. */
  nameOf: (setting: RunSetting) => string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function checkRunName(name: string, where: string): void {
  if (!DNS_LABEL.test(name)) {
    throw new UsageError(`${where}: ${JSON.stringify(name)} is not a DNS-1123 label; expected lowercase `
      + 'letters, digits and "-", at most 63 characters, starting and ending with a letter or digit');
  }
}

/** Validates the request against the scenario and builds the plan; a bad setting throws one UsageError line. */
export function planRun(loaded: LoadedScenario, r: RunRequest): RunPlan {
  checkRunName(r.runName, r.nameOf('runName'));
  const thresholds = r.thresholds ?? [];
  const scenario = resolveScenario(loaded.doc, {
    baseDir: loaded.baseDir, durationScale: r.durationScale ?? 1, rateScale: r.rateScale ?? 1, seed: r.seed ?? null,
  });
  checkThresholdFlags(thresholds, scenario);
  let target: PlanTarget | null = null;
  if (r.target) {
    const adapter = r.target.adapter;
    if (!isAdapterName(adapter)) {
      throw new UsageError(`${r.nameOf('target')}: unknown adapter ${JSON.stringify(adapter)}${didYouMean(adapter, ADAPTER_NAMES)}; `
        + `expected one of ${ADAPTER_NAMES.join(', ')}`);
    }
    const speaks: readonly string[] = ADAPTER_LANGUAGES[adapter];
    const all = [...scenario.queries, ...(scenario.session?.categories.flatMap((c) => c.queries) ?? [])];
    for (const q of all) {
      if ((q.type === 'sql' || q.type === 'dsl') && !speaks.includes(q.type)) {
        throw new UsageError(`query ${JSON.stringify(q.name)} is native ${q.type}, which adapter ${adapter} does not `
          + `speak (it speaks ${speaks.join(', ')})`);
      }
    }
    const config = r.target.config;
    target = { adapter, config, configHash: sha256Hex(canonicalJson(config)) };
  }
  const eventsTopics = r.eventsTopics ?? {};
  for (const key of Object.keys(eventsTopics)) {
    if (key !== '' && !scenario.streams.some((s) => s.name === key)) {
      throw new UsageError(`${r.nameOf('eventsTopic')}: ${JSON.stringify(key)} is not a stream of the scenario; expected one of `
        + scenario.streams.map((s) => s.name).join(', '));
    }
  }
  const groupNames = scenario.queryGroups.length > 0 ? scenario.queryGroups.map((g) => g.name) : ['default'];
  for (const [group, n] of Object.entries(r.queryWorkersByGroup ?? {})) {
    if (!groupNames.includes(group)) {
      throw new UsageError(`${r.nameOf('queryGroups')}: ${JSON.stringify(group)} is not a query group of the scenario`
        + `${didYouMean(group, groupNames)}; expected one of ${groupNames.join(', ')}`);
    }
    if (!Number.isInteger(n) || n < 1) {
      throw new UsageError(`${r.nameOf('queryGroups')}: replicas of ${JSON.stringify(group)} must be a whole number ≥ 1, got ${n}`);
    }
  }
  const idField = r.freshness?.idField;
  if (idField !== undefined && !scenario.streams.some((s) => s.fields.some((f) => f.name === idField))) {
    const names = [...new Set(scenario.streams.flatMap((s) => s.fields.map((f) => f.name)))];
    throw new UsageError(`${r.nameOf('freshnessIdField')}: ${JSON.stringify(idField)} is not a field of the scenario's schema`
      + `${didYouMean(idField, names)}`);
  }
  const replicaSum = scenario.streams.reduce((a, s) => a + (s.ingestReplicas ?? 0), 0);
  return buildPlan(scenario, {
    runName: r.runName,
    runId: r.runId ?? randomUUID(),
    seed: r.seed ?? null,
    durationScale: r.durationScale ?? 1,
    rateScale: r.rateScale ?? 1,
    ingestWorkers: r.ingestWorkers
      ?? (r.cluster ? (replicaSum > 0 ? replicaSum : DEFAULTS.cluster.ingestWorkers) : DEFAULTS.local.ingestWorkers),
    threads: r.threads ?? (r.cluster ? DEFAULTS.cluster.threads : defaultLocalThreads(cpuLimitCores())),
    queryWorkers: r.queryWorkers ?? (r.cluster ? DEFAULTS.cluster.queryWorkersPerGroup : DEFAULTS.local.queryWorkersPerGroup),
    ...(r.queryWorkersByGroup ? { queryWorkersByGroup: r.queryWorkersByGroup } : {}),
    target,
    bootstrap: r.kafka ?? [],
    manageTopics: r.manageTopics ?? true,
    acks: r.acks,
    compression: r.compression,
    maxInflightBatches: r.maxInflightBatches,
    maxInFlight: r.maxInFlight,
    drainTimeoutS: r.drainTimeoutS,
    readyTimeoutS: r.readyTimeoutS,
    reuseTarget: r.reuseTarget ?? false,
    freshness: r.freshness?.enabled,
    ...(r.freshness?.intervalS !== undefined ? { freshnessIntervalS: r.freshness.intervalS } : {}),
    ...(r.freshness?.idField !== undefined ? { freshnessIdField: r.freshness.idField } : {}),
    thresholds,
    partitions: r.partitions ?? null,
    eventsTopics,
  });
}
