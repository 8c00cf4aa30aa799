// Turns an IncidentBenchRun's spec into a RunPlan through the same loader and planRun as the CLI (SPEC §15.2
// "Pending"), and its errors into one-line condition messages. Must not talk to the cluster (the caller fetches).

import { stringify } from 'yaml';
import { ConfigError, IncidentBenchError, formatProblem, type Problem } from '../../core/errors.js';
import { createAdapter } from '../../adapters/registry.js';
import { loadScenarioText, type LoadedScenario } from '../../scenario/load-scenario.js';
import type { RunPlan } from '../../scenario/plan-types.js';
import { didYouMean } from '../../scenario/suggest.js';
import { planRun, type RunRequest, type RunSetting } from '../run-request.js';
import type { IncidentBenchRun, RunSpec } from './run-resource.js';

/** The `file` of problems about the resource's own fields; their `path` is relative to `spec`. */
export const SPEC_FILE = 'spec';
/** The `file` of problems in an inline scenario; their `path` is relative to `spec.scenario`. */
export const INLINE_SCENARIO_FILE = 'spec.scenario';

/** How each setting is spelled in an IncidentBenchRun. */
export const SPEC_NAMES: Record<RunSetting, string> = {
  runName: 'metadata.name',
  target: 'spec.target.adapter',
  targetConfig: 'spec.target.config',
  ingestWorkers: 'spec.workers.ingest.replicas',
  threads: 'spec.workers.ingest.threads',
  queryWorkers: 'spec.workers.query.replicas',
  queryGroups: 'spec.workers.queryGroups',
  eventsTopic: 'spec.kafka.topics.streams',
  threshold: 'spec.thresholds',
  freshnessIdField: 'spec.harness.freshness.idField',
};

const specProblem = (path: string, message: string): Problem => ({ file: SPEC_FILE, line: 0, col: 0, path, message });

/** `configmap/<name>/<key>`: the file name of a scenario read through `spec.scenarioRef`. */
export function scenarioRefFile(ref: { name: string; key: string }): string {
  return `configmap/${ref.name}/${ref.key}`;
}

/**
 * The scenario text of `spec.scenarioRef` out of the ConfigMap's `data` (null: the ConfigMap does not exist).
 * A missing ConfigMap or key throws ConfigError naming the spec field.
 */
export function scenarioTextFromConfigMap(run: IncidentBenchRun, data: Record<string, string> | null | undefined): string {
  const ref = run.spec.scenarioRef?.configMap;
  if (!ref) throw new ConfigError([specProblem('scenarioRef', 'missing; expected { configMap: { name, key } }')]);
  if (data === null || data === undefined) {
    const ns = run.metadata.namespace ? ` in namespace ${JSON.stringify(run.metadata.namespace)}` : '';
    throw new ConfigError([specProblem('scenarioRef.configMap.name', `configmap ${JSON.stringify(ref.name)} not found${ns}; `
      + 'expected a ConfigMap holding the scenario file')]);
  }
  const text = data[ref.key];
  if (text === undefined) {
    const keys = Object.keys(data).sort();
    throw new ConfigError([specProblem('scenarioRef.configMap.key', `configmap ${ref.name} has no key ${ref.key}`
      + `${didYouMean(ref.key, keys)}; it has ${keys.length > 0 ? keys.join(', ') : 'no keys'}`)]);
  }
  return text;
}

/**
 * Loads the run's scenario (inline `spec.scenario`, or for `spec.scenarioRef` the text the caller fetched — see
 * scenarioTextFromConfigMap; null means the ConfigMap was not found) and plans it with the cluster defaults. Invalid input throws ConfigError (every problem found) or UsageError (one setting) — the
 * CLI's errors; `specProblems` turns either into condition lines. `baseDir` resolves `sql_file` references.
 */
export function planFromSpec(run: IncidentBenchRun, scenarioRefText: string | null,
  baseDir: string = process.cwd()): { plan: RunPlan; loaded: LoadedScenario } {
  const spec: Partial<RunSpec> = run.spec ?? {};
  const problems: Problem[] = [];
  const hasInline = spec.scenario !== undefined && spec.scenario !== null;
  const ref = spec.scenarioRef?.configMap;
  const exactlyOne = hasInline !== (spec.scenarioRef !== undefined);
  if (!exactlyOne) {
    problems.push(specProblem('', `exactly one of spec.scenario and spec.scenarioRef; expected ${hasInline ? 'only one' : 'one'} of them`));
  }
  const bootstrap = (spec.kafka?.bootstrapServers ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (bootstrap.length === 0) {
    problems.push(specProblem('kafka.bootstrapServers', `expected host:port[,host:port…], got ${JSON.stringify(spec.kafka?.bootstrapServers ?? '')}`));
  }
  if (spec.target?.adapter === undefined) {
    problems.push(specProblem('target', 'missing; expected { adapter, config } naming the platform under test'));
  }
  const groups = (spec.workers?.queryGroups ?? []).map((g) => g.name);
  const twice = groups.filter((g, i) => groups.indexOf(g) !== i);
  if (twice.length > 0) problems.push(specProblem('workers.queryGroups', `group ${JSON.stringify(twice[0])} is listed twice; expected each group once`));

  let loaded: LoadedScenario | null = null;
  if (exactlyOne) {
    try {
      if (hasInline) {
        loaded = loadScenarioText(stringify(spec.scenario, { lineWidth: 0 }), INLINE_SCENARIO_FILE, baseDir);
      } else if (ref) {
        const text = scenarioRefText ?? scenarioTextFromConfigMap(run, null);
        loaded = loadScenarioText(text, scenarioRefFile(ref), baseDir);
      }
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (loaded !== null && spec.kafka?.topics?.events !== undefined && (loaded.doc.data_streams?.length ?? 0) > 1) {
    problems.push(specProblem('kafka.topics.events', `the scenario has ${loaded.doc.data_streams!.length} streams; expected `
      + `spec.kafka.topics.streams.<name> for ${loaded.doc.data_streams!.map((s) => s.name).join(', ')}`));
  }
  if (problems.length > 0 || loaded === null) throw new ConfigError(problems);
  const plan = planRun(loaded, runRequestOf(run, bootstrap));
  checkTargetConfig(plan);
  return { plan, loaded };
}

/** Every environment variable "set": the operator checks a config's keys, not the secrets a pod gets from its Secret. */
const ANY_SECRET_ENV: Readonly<Record<string, string | undefined>> = new Proxy({}, {
  get: (_t, key) => (typeof key === 'string' ? 'set-in-the-pod' : undefined),
  has: () => true,
});

/**
 * The target config checked by its adapter as the CLI checks a --target-config file (keys, types, values), before any
 * Job exists; problems are reported as `spec.target.config.<key>`. Secrets are not read (the pods' Secret has them).
 */
function checkTargetConfig(plan: RunPlan): void {
  if (!plan.target) return;
  try {
    const adapter = createAdapter(plan.target.adapter, plan.target.config, {
      secrets: { env: ANY_SECRET_ENV, readFile: () => 'set-in-the-pod' }, configFile: SPEC_FILE,
    });
    void adapter.close?.();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(err.problems.map((p) => specProblem(p.path ? `target.config.${p.path}` : 'target.config', p.message)));
  }
}

/** Every spec field as a RunRequest (SPEC §20's CRD column), with the cluster defaults. */
export function runRequestOf(run: IncidentBenchRun, bootstrap: string[]): RunRequest {
  const s = run.spec;
  const topics = s.kafka?.topics;
  const eventsTopics: Record<string, string> = { ...(topics?.streams ?? {}) };
  if (topics?.events !== undefined) eventsTopics[''] = topics.events;
  const acks = s.kafka?.acks === undefined ? undefined : String(s.kafka.acks);
  const fresh = s.harness?.freshness;
  return {
    runName: run.metadata.name,
    cluster: true,
    ...(run.metadata.uid ? { runId: run.metadata.uid } : {}),
    ...(s.target ? { target: { adapter: s.target.adapter, config: s.target.config ?? {} } } : {}),
    kafka: bootstrap,
    seed: s.seed,
    durationScale: s.scaling?.durationScale,
    rateScale: s.scaling?.rateScale,
    ingestWorkers: s.workers?.ingest?.replicas,
    threads: s.workers?.ingest?.threads,
    queryWorkers: s.workers?.query?.replicas,
    ...(s.workers?.queryGroups && s.workers.queryGroups.length > 0
      ? { queryWorkersByGroup: Object.fromEntries(s.workers.queryGroups.map((g) => [g.name, g.replicas])) } : {}),
    thresholds: s.thresholds ?? [],
    manageTopics: s.kafka?.manageTopics ?? true,
    eventsTopics,
    drainTimeoutS: s.drainTimeoutSeconds,
    readyTimeoutS: s.readyTimeoutSeconds,
    reuseTarget: s.target?.reuse ?? false,
    partitions: s.kafka?.partitions,
    acks: acks === undefined ? undefined : acks === 'all' ? -1 : (Number(acks) as -1 | 0 | 1),
    compression: s.kafka?.compression,
    maxInflightBatches: s.harness?.maxInflightBatches,
    maxInFlight: s.harness?.maxInFlight,
    ...(fresh ? {
      freshness: {
        ...(fresh.enabled !== undefined ? { enabled: fresh.enabled } : {}),
        ...(fresh.intervalSeconds !== undefined ? { intervalS: fresh.intervalSeconds } : {}),
        ...(fresh.idField !== undefined ? { idField: fresh.idField } : {}),
      },
    } : {}),
    nameOf: (setting) => SPEC_NAMES[setting],
  };
}

/**
 * One line per problem for a status condition: `spec.<path>: …` for the resource's fields, `spec.scenario.<path>: …`
 * for an inline scenario (positions in generated YAML mean nothing), `configmap/<name>/<key>:<line>:<col>: <path>: …`
 * for a scenarioRef (as the CLI prints a file's problems), the message itself for a UsageError.
 */
export function specProblems(err: unknown): string[] {
  if (err instanceof ConfigError) {
    return err.problems.map((p) => {
      if (p.file === SPEC_FILE || p.file === INLINE_SCENARIO_FILE) {
        const where = p.path === '' ? p.file : p.path.startsWith('[') ? `${p.file}${p.path}` : `${p.file}.${p.path}`;
        return oneLine(`${where}: ${p.message}`);
      }
      return oneLine(formatProblem(p));
    });
  }
  if (err instanceof IncidentBenchError) return err.message.split('\n').filter(Boolean);
  return [oneLine(`internal error: ${err instanceof Error ? err.message : String(err)}`)];
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
