// The run flags of SPEC §14 shared by `plan` and `run`: declares them on a command and turns the
// parsed values into a RunPlan (SPEC §4, defaults of §20). Must not start anything.

import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ConfigError, UsageError } from '../core/errors.js';
import { checkRunName, planRun, type RunSetting } from '../control/run-request.js';
import { checkClusterRunName, clusterRunName } from './cluster-run-name.js';
import { loadScenarioFile, type LoadedScenario } from '../scenario/load-scenario.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { collect, positiveNumber, wholeNumber } from './flag-values.js';

export interface RunFlags {
  target?: string;
  targetConfig?: string;
  kafka?: string;
  runName?: string;
  seed?: number;
  durationScale?: number;
  rateScale?: number;
  ingestWorkers?: number;
  threads?: number;
  queryWorkers?: number;
  threshold?: string[];
  manageTopics?: boolean;
  eventsTopic?: string[];
  drainTimeout?: number;
  readyTimeout?: number;
  reuseTarget?: boolean;
  partitions?: number;
  acks?: string;
  compression?: string;
  maxInflightBatches?: number;
  maxInFlight?: number;
  freshness?: boolean;
  k8s?: boolean;
}

export function addRunFlags(cmd: Command): Command {
  return cmd
    .option('--target <adapter>', 'target adapter: clickhouse, opensearch, elasticsearch, mach5')
    .option('--target-config <file>', 'target config YAML (credentials by env var or file reference)')
    .option('--kafka <bootstrap>', 'Kafka bootstrap servers, comma-separated host:port')
    .option('--run-name <name>', 'run name (DNS-1123 label); default local-YYYYMMDD-HHMMSS')
    .option('--seed <n>', 'seed: a single stream gets n, stream i of several n + i', wholeNumber('--seed', 0))
    .option('--duration-scale <x>', 'multiply every phase duration (default 1)', positiveNumber('--duration-scale'))
    .option('--rate-scale <y>', 'multiply every EPS and QPS target (default 1)', positiveNumber('--rate-scale'))
    .option('--ingest-workers <n>', 'ingest workers (local default 1)', wholeNumber('--ingest-workers', 1))
    .option('--threads <t>', 'lane threads per ingest worker (local default CPUs − 1)', wholeNumber('--threads', 1))
    .option('--query-workers <m>', 'query workers per query group (local default 1)', wholeNumber('--query-workers', 1))
    .option('--threshold <expr>', 'threshold, repeatable (e.g. "p99_degradation_ratio < 3")', collect)
    .option('--no-manage-topics', 'do not create topics; check that they exist')
    .option('--events-topic <[stream=]name>', 'events topic name (per stream with stream=name), repeatable', collect)
    .option('--drain-timeout <s>', 'seconds to wait for lag 0 after the timeline', wholeNumber('--drain-timeout', 1))
    .option('--ready-timeout <s>', 'READY barrier timeout in seconds', wholeNumber('--ready-timeout', 1))
    .option('--reuse-target', 'allow a target table/index that already holds rows')
    .option('--partitions <n>', 'partitions of the events topic(s)', wholeNumber('--partitions', 1))
    .addOption(new Option('--acks <acks>', 'producer acks').choices(['all', '-1', '0', '1']))
    .addOption(new Option('--compression <codec>', 'producer compression').choices(['none', 'gzip']))
    .option('--max-inflight-batches <n>', 'batches in flight per lane', wholeNumber('--max-inflight-batches', 1))
    .option('--max-in-flight <n>', 'queries in flight per query worker', wholeNumber('--max-in-flight', 1))
    .option('--no-freshness', 'do not emit or probe freshness sentinels')
    .option('--k8s', 'plan for a cluster (cluster defaults of workers and threads)');
}

/** `local-YYYYMMDD-HHMMSS` in UTC. */
export function generatedRunName(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `local-${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-`
    + `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
}

/** Reads a target config YAML file into a mapping; errors name the file. */
export function loadTargetConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, line: 0, col: 0, path: '', message: `cannot read: ${(err as Error).message}` }],
      'IB_CONFIG_UNREADABLE');
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new ConfigError([{ file, line: 0, col: 0, path: '', message: `YAML: ${(err as Error).message.split('\n')[0]}` }]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([{ file, line: 0, col: 0, path: '', message: 'expected a mapping of target settings (url: …)' }]);
  }
  return data as Record<string, unknown>;
}

function parseEventsTopics(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const i = v.indexOf('=');
    const [stream, name] = i >= 0 ? [v.slice(0, i), v.slice(i + 1)] : ['', v];
    if (!name) throw new UsageError(`--events-topic: expected [STREAM=]NAME, got ${JSON.stringify(v)}`);
    out[stream] = name;
  }
  return out;
}

export interface PlannedRun {
  loaded: LoadedScenario;
  plan: RunPlan;
}

const FLAG_NAMES: Record<RunSetting, string> = {
  runName: '--run-name', target: '--target', targetConfig: '--target-config', ingestWorkers: '--ingest-workers',
  threads: '--threads', queryWorkers: '--query-workers', queryGroups: '--query-workers', eventsTopic: '--events-topic',
  threshold: '--threshold', freshnessIdField: 'freshness.id_field',
};

export function planFromFlags(scenarioFile: string, f: RunFlags, now: Date = new Date()): PlannedRun {
  const loaded = loadScenarioFile(scenarioFile);
  // In a cluster the name also names Jobs and pods: `<scenario>-<time>`, at most 40 characters.
  const runName = f.runName ?? (f.k8s ? clusterRunName(loaded.doc.scenario.name, now) : generatedRunName(now));
  checkRunName(runName, '--run-name');
  if (f.k8s) checkClusterRunName(runName);
  if (f.targetConfig && !f.target) throw new UsageError('--target-config needs --target <adapter>');
  const plan = planRun(loaded, {
    runName,
    cluster: f.k8s === true,
    ...(f.target ? { target: { adapter: f.target, config: f.targetConfig ? loadTargetConfig(f.targetConfig) : {} } } : {}),
    ...(f.kafka ? { kafka: f.kafka.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    seed: f.seed,
    durationScale: f.durationScale,
    rateScale: f.rateScale,
    ingestWorkers: f.ingestWorkers,
    threads: f.threads,
    queryWorkers: f.queryWorkers,
    thresholds: f.threshold ?? [],
    manageTopics: f.manageTopics ?? true,
    eventsTopics: parseEventsTopics(f.eventsTopic),
    drainTimeoutS: f.drainTimeout,
    readyTimeoutS: f.readyTimeout,
    reuseTarget: f.reuseTarget ?? false,
    partitions: f.partitions,
    acks: f.acks === undefined ? undefined : f.acks === 'all' ? -1 : (Number(f.acks) as -1 | 0 | 1),
    compression: f.compression,
    maxInflightBatches: f.maxInflightBatches,
    maxInFlight: f.maxInFlight,
    ...(f.freshness === false ? { freshness: { enabled: false } } : {}),
    nameOf: (s) => FLAG_NAMES[s],
  });
  return { loaded, plan };
}

/** Standalone commands (prepare, cleanup, query, load) default the run name to the scenario's, so they meet (SPEC §1.3). */
export function planStandalone(scenarioFile: string, f: RunFlags): PlannedRun {
  return planFromFlags(scenarioFile, { ...f, runName: f.runName ?? loadScenarioFile(scenarioFile).doc.scenario.name });
}
