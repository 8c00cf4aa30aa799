// Gathers everything the decision function needs about one run (observed-run.ts) from the cluster: its Jobs, pods,
// plan and report ConfigMaps, the planning result, plus the live view the operator keeps. Reads only; must not
// change anything in the cluster.

import type { V1ConfigMap } from '@kubernetes/client-node';
import { planHash } from '../../scenario/plan.js';
import type { RunPlan } from '../../scenario/plan-types.js';
import { needsPlanning } from './decide.js';
import type { KubeApi } from './kube-api.js';
import type { ObservedLive, ObservedRun, Planning } from './observed-run.js';
import { observedJob, observedPod, observedReport, ownedBy } from './observed-objects.js';
import { cleanupJob, DEFAULT_IMAGE, runObjects, type RunObjectOptions } from './run-objects.js';
import { childNames, PLAN_KEY, RUN_LABEL, type IncidentBenchRun } from './run-resource.js';
import { planFromSpec, specProblems } from './spec-request.js';

export interface ObserveOptions {
  /** Image when the spec names none (default incidentbench:<version>). */
  image?: string;
  /** Directory `sql_file` references of inline scenarios resolve against. */
  baseDir?: string;
}

/** The run's plan out of its plan ConfigMap, or why it cannot be read. */
function planOfConfigMap(cm: V1ConfigMap): { plan: RunPlan } | { reason: string } {
  const text = cm.data?.[PLAN_KEY];
  if (text === undefined) return { reason: `ConfigMap ${cm.metadata?.name} has no key ${PLAN_KEY}` };
  try {
    const plan = JSON.parse(text) as RunPlan;
    if (plan === null || typeof plan !== 'object' || plan.planVersion !== 1) return { reason: `ConfigMap ${cm.metadata?.name}: ${PLAN_KEY} is not a run plan` };
    return { plan };
  } catch (err) {
    return { reason: `ConfigMap ${cm.metadata?.name}: ${PLAN_KEY} is not JSON (${(err as Error).message})` };
  }
}

async function objectOptions(api: KubeApi, run: IncidentBenchRun, ns: string, o: ObserveOptions): Promise<RunObjectOptions> {
  const s = run.spec;
  const opts: RunObjectOptions = { namespace: ns, image: s.image ?? o.image ?? DEFAULT_IMAGE, owner: run };
  if (s.target?.credentialsSecretRef) opts.credentialsSecret = s.target.credentialsSecretRef.name;
  if (s.kafka.saslSecretRef) opts.kafkaSaslSecret = s.kafka.saslSecretRef.name;
  if (s.kafka.tls) {
    opts.kafkaTls = s.kafka.tls;
    const ca = s.kafka.tls.caSecretRef;
    if (s.kafka.tls.enabled && ca) {
      const data = await api.getSecret(ns, ca.name);
      opts.kafkaTlsClientCert = data !== null && data['tls.crt'] !== undefined && data['tls.key'] !== undefined;
    }
  }
  const resources: NonNullable<RunObjectOptions['resources']> = {};
  if (s.workers?.ingest?.resources) resources.ingest = s.workers.ingest.resources;
  if (s.workers?.query?.resources) resources.query = s.workers.query.resources;
  if (Object.keys(resources).length > 0) opts.resources = resources;
  return opts;
}

async function planned(api: KubeApi, run: IncidentBenchRun, ns: string, plan: RunPlan, o: ObserveOptions): Promise<Planning> {
  try {
    const opts = await objectOptions(api, run, ns, o);
    return { kind: 'ok', plan, planHash: planHash(plan), objects: { ...runObjects(plan, opts), cleanupJob: cleanupJob(plan, opts) } };
  } catch (err) {
    return { kind: 'invalid', problems: specProblems(err) };
  }
}

/** Plans the run's spec (Pending); a plan ConfigMap this run already wrote wins, so a restart keeps its plan. */
async function planningOf(api: KubeApi, run: IncidentBenchRun, ns: string, planCm: V1ConfigMap | null, o: ObserveOptions): Promise<Planning> {
  const fromSpec = needsPlanning(run) && !((run.status?.phase ?? 'Pending') === 'Pending' && planCm !== null);
  if (!fromSpec) {
    if (planCm === null) return { kind: 'missing', reason: `ConfigMap ${childNames.planConfigMap(run.metadata.name)} not found` };
    const read = planOfConfigMap(planCm);
    return 'plan' in read ? planned(api, run, ns, read.plan, o) : { kind: 'missing', reason: read.reason };
  }
  let refText: string | null = null;
  const ref = run.spec.scenarioRef?.configMap;
  if (run.spec.scenario === undefined && ref) {
    const cm = await api.getConfigMap(ns, ref.name);
    if (cm === null) return { kind: 'waiting', message: `spec.scenarioRef.configMap.name: ConfigMap ${JSON.stringify(ref.name)} not found in namespace ${ns} (yet)` };
    refText = cm.data?.[ref.key] ?? null;
    if (refText === null) return { kind: 'invalid', problems: [`spec.scenarioRef.configMap.key: ConfigMap ${ref.name} has no key ${JSON.stringify(ref.key)}; it has ${Object.keys(cm.data ?? {}).sort().join(', ') || 'no keys'}`] };
  }
  let plan: RunPlan;
  try {
    plan = planFromSpec(run, refText, o.baseDir).plan;
  } catch (err) {
    return { kind: 'invalid', problems: specProblems(err) };
  }
  return planned(api, run, ns, plan, o);
}

export async function observeRun(api: KubeApi, run: IncidentBenchRun, live: ObservedLive, o: ObserveOptions = {}): Promise<ObservedRun> {
  const ns = run.metadata.namespace ?? api.defaultNamespace;
  const name = run.metadata.name;
  const selector = `${RUN_LABEL}=${name}`;
  const [jobs, pods, planCmRaw, reportCmRaw] = await Promise.all([
    api.listJobs(ns, selector),
    api.listPods(ns, selector),
    api.getConfigMap(ns, childNames.planConfigMap(name)),
    api.getConfigMap(ns, childNames.reportConfigMap(name)),
  ]);
  const planCm = planCmRaw !== null && ownedBy(planCmRaw, run) ? planCmRaw : null;
  const reportCm = reportCmRaw !== null && ownedBy(reportCmRaw, run) ? reportCmRaw : null;
  const ownJobs = jobs.filter((j) => ownedBy(j, run));
  return {
    run,
    planning: await planningOf(api, run, ns, planCm, o),
    planConfigMapExists: planCm !== null,
    jobs: ownJobs.map(observedJob),
    // Every pod with the run's label, also those of a Job already deleted (deletion waits for them to go).
    pods: pods.map(observedPod),
    report: reportCm === null ? null : observedReport(reportCm),
    live,
  };
}
