// The Kubernetes objects of one run (SPEC §1.4, §15): the plan ConfigMap, the coordinator Job, the ingest and
// query Indexed Jobs, and the cleanup Job, built from a RunPlan. Pure: must not talk to a cluster or read files.

import type { V1ConfigMap, V1EnvFromSource, V1EnvVar, V1Job, V1ResourceRequirements } from '@kubernetes/client-node';
import { UsageError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import { planHash } from '../../scenario/plan.js';
import type { RunPlan } from '../../scenario/plan-types.js';
import { checkChildName, childMeta, type ChildContext } from './child-meta.js';
import { kafkaPodParts } from './kafka-pod-env.js';
import { roleJob, type RoleJob } from './pod-template.js';
import { childNames, PLAN_KEY, PLAN_PATH, type IncidentBenchRun, type Resources, type RunSpec } from './run-resource.js';

/** Where the coordinator writes its results inside its pod (an emptyDir; the root filesystem is read-only). */
export const COORDINATOR_RESULTS_DIR = '/var/lib/incidentbench/results';
/** A ConfigMap holds at most 1 MiB in all; keep room for its metadata. */
export const PLAN_CONFIGMAP_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;
export const DEFAULT_IMAGE = `incidentbench:${VERSION}`;

export interface RunObjectOptions {
  /** '' leaves metadata.namespace out (rendered manifests for kubectl's current namespace). */
  namespace: string;
  /** Container image, e.g. `incidentbench:0.1.0` (DEFAULT_IMAGE). */
  image: string;
  /** The run resource: every object gets a controller ownerReference to it and the managed-by label. */
  owner?: IncidentBenchRun;
  /** Target credentials Secret (CRD `target.credentialsSecretRef`): envFrom of coordinator, query and cleanup pods. */
  credentialsSecret?: string;
  /** Kafka SASL Secret (CRD `kafka.saslSecretRef`): envFrom of every pod. */
  kafkaSaslSecret?: string;
  kafkaTls?: RunSpec['kafka']['tls'];
  /** The TLS Secret also holds `tls.crt` / `tls.key` (mutual TLS); the operator can tell by reading the Secret. */
  kafkaTlsClientCert?: boolean;
  /** Replace the default resources of a role (RunSpec `workers.*.resources`). */
  resources?: { coordinator?: Resources; ingest?: Resources; query?: Resources };
  serviceAccountName?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

export interface RunObjects {
  planConfigMap: V1ConfigMap;
  coordinatorJob: V1Job;
  /** null in a query-only run (no ingest workers). */
  ingestJob: V1Job | null;
  queryJobs: V1Job[];
}

/** Default requests: a core per lane thread for ingest, a core per query worker, 1 core / 1 GiB for the coordinator. */
export function defaultResources(plan: RunPlan): Record<'coordinator' | 'ingest' | 'query' | 'cleanup', V1ResourceRequirements> {
  return {
    coordinator: { requests: { cpu: '1', memory: '1Gi' } },
    ingest: { requests: { cpu: String(plan.workers.ingest.threads) } },
    query: { requests: { cpu: '1' } },
    cleanup: { requests: { cpu: '100m', memory: '256Mi' } },
  };
}

function context(plan: RunPlan, o: RunObjectOptions): ChildContext {
  return { run: plan.run.name, namespace: o.namespace, planHash: planHash(plan), ...(o.owner ? { owner: o.owner } : {}) };
}

function copyResources(r: Resources): V1ResourceRequirements {
  const out: V1ResourceRequirements = {};
  if (r.requests) out.requests = { ...r.requests };
  if (r.limits) out.limits = { ...r.limits };
  return out;
}

/** The parts every pod of the run shares, and whether it gets the target credentials. */
function podParts(plan: RunPlan, o: RunObjectOptions, credentials: boolean)
  : Pick<RoleJob, 'env' | 'envFrom' | 'volumes' | 'image' | 'planConfigMap' | 'serviceAccountName' | 'imagePullPolicy'> {
  const kafka = kafkaPodParts({
    ...(o.kafkaSaslSecret ? { saslSecret: o.kafkaSaslSecret } : {}),
    ...(o.kafkaTls ? { tls: o.kafkaTls } : {}),
    ...(o.kafkaTlsClientCert ? { tlsClientCert: true } : {}),
  });
  const env: V1EnvVar[] = [{ name: 'IB_RUN', value: plan.run.name }, ...kafka.env];
  const envFrom: V1EnvFromSource[] = [
    ...(credentials && o.credentialsSecret ? [{ secretRef: { name: o.credentialsSecret } }] : []),
    ...kafka.envFrom,
  ];
  return {
    image: o.image,
    planConfigMap: childNames.planConfigMap(plan.run.name),
    env,
    envFrom,
    volumes: kafka.volumes.map((volume, i) => ({ volume, mount: kafka.mounts[i]! })),
    ...(o.serviceAccountName ? { serviceAccountName: o.serviceAccountName } : {}),
    ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}),
  };
}

function planConfigMap(plan: RunPlan, ctx: ChildContext): V1ConfigMap {
  const json = JSON.stringify(plan, null, 2);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > PLAN_CONFIGMAP_LIMIT_BYTES) {
    throw new UsageError(`the plan of run ${JSON.stringify(plan.run.name)} is ${(bytes / 1048576).toFixed(2)} MiB (${bytes} bytes) `
      + `of JSON, which does not fit a Kubernetes ConfigMap (limit ${PLAN_CONFIGMAP_LIMIT_BYTES} bytes); `
      + 'expected a smaller plan: fewer ingest workers × threads, query workers or data streams');
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMeta(ctx, childNames.planConfigMap(plan.run.name), 'coordinator'),
    data: { [PLAN_KEY]: json },
  };
}

export function runObjects(plan: RunPlan, o: RunObjectOptions): RunObjects {
  const run = plan.run.name;
  const ctx = context(plan, o);
  const defaults = defaultResources(plan);
  const res = (role: 'coordinator' | 'ingest' | 'query'): V1ResourceRequirements => {
    const given = o.resources?.[role];
    return given ? copyResources(given) : defaults[role];
  };
  const names = [childNames.coordinatorJob(run), childNames.ingestJob(run)];
  for (const n of names) checkChildName(n, `run name ${JSON.stringify(run)}`);

  const coordinatorJob = roleJob({
    ...podParts(plan, o, true),
    ctx,
    name: childNames.coordinatorJob(run),
    component: 'coordinator',
    args: ['coordinator', '--plan', PLAN_PATH, '--out', COORDINATOR_RESULTS_DIR],
    resources: res('coordinator'),
    extraVolumes: [{ volume: { name: 'results', emptyDir: {} }, mount: { name: 'results', mountPath: COORDINATOR_RESULTS_DIR } }],
  });
  const ingest = plan.workers.ingest;
  const ingestJob = ingest.count > 0
    ? roleJob({
      ...podParts(plan, o, false),
      ctx,
      name: childNames.ingestJob(run),
      component: 'ingest',
      args: ['worker', '--role', 'ingest', '--plan', PLAN_PATH],
      indexedCount: ingest.count,
      resources: res('ingest'),
    })
    : null;
  const queryJobs = plan.workers.query.filter((q) => q.count > 0).map((q) => {
    const name = childNames.queryJob(run, q.group);
    checkChildName(name, `query group ${JSON.stringify(q.group)} of run ${JSON.stringify(run)}`);
    return roleJob({
      ...podParts(plan, o, true),
      ctx,
      name,
      component: 'query',
      group: q.group,
      args: ['worker', '--role', 'query', '--group', q.group, '--plan', PLAN_PATH],
      indexedCount: q.count,
      resources: res('query'),
    });
  });
  return { planConfigMap: planConfigMap(plan, ctx), coordinatorJob, ingestJob, queryJobs };
}

/** The Job that removes the run's topics and target objects (`incidentbench cleanup --plan …`), made on delete. */
export function cleanupJob(plan: RunPlan, o: RunObjectOptions): V1Job {
  const run = plan.run.name;
  const name = childNames.cleanupJob(run);
  checkChildName(name, `run name ${JSON.stringify(run)}`);
  return roleJob({
    ...podParts(plan, o, true),
    ctx: context(plan, o),
    name,
    component: 'cleanup',
    args: ['cleanup', '--plan', PLAN_PATH],
    resources: defaultResources(plan).cleanup,
  });
}
