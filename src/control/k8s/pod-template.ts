// The hardened Job every role of a run runs as (k8s conventions): non-root, read-only root filesystem, no
// privilege escalation, all capabilities dropped, RuntimeDefault seccomp, the plan mounted read-only. Pure.

import type {
  V1Container, V1EnvFromSource, V1EnvVar, V1Job, V1PodSecurityContext, V1ResourceRequirements, V1SecurityContext, V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { ChildContext } from './child-meta.js';
import { childLabels, childMeta } from './child-meta.js';
import { PLAN_MOUNT_DIR, type Component } from './run-resource.js';

export const RUN_USER_ID = 1000;
export const TMP_DIR = '/tmp';
export const PLAN_VOLUME = 'plan';

/** Pod security: every container runs as user 1000 (the image's `node` user). A fresh object per call. */
export function podSecurityContext(): V1PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_USER_ID,
    runAsGroup: RUN_USER_ID,
    fsGroup: RUN_USER_ID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function containerSecurityContext(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface RoleJob {
  ctx: ChildContext;
  name: string;
  component: Component;
  group?: string;
  /** Words after the image's `incidentbench` entrypoint. */
  args: string[];
  image: string;
  planConfigMap: string;
  /** Indexed Job of `count` pods (workers); absent = one pod (coordinator, cleanup). */
  indexedCount?: number;
  resources: V1ResourceRequirements;
  env: V1EnvVar[];
  envFrom: V1EnvFromSource[];
  /** Volumes besides the plan and /tmp, each with its mount (Kafka TLS). */
  volumes: { volume: V1Volume; mount: V1VolumeMount }[];
  /** More of them, for one role (the coordinator's results dir). */
  extraVolumes?: { volume: V1Volume; mount: V1VolumeMount }[];
  serviceAccountName?: string;
  imagePullPolicy?: string;
}

export function roleJob(r: RoleJob): V1Job {
  const volumes: V1Volume[] = [
    { name: PLAN_VOLUME, configMap: { name: r.planConfigMap } },
    { name: 'tmp', emptyDir: {} },
    ...[...r.volumes, ...(r.extraVolumes ?? [])].map((v) => v.volume),
  ];
  const mounts: V1VolumeMount[] = [
    { name: PLAN_VOLUME, mountPath: PLAN_MOUNT_DIR, readOnly: true },
    { name: 'tmp', mountPath: TMP_DIR },
    ...[...r.volumes, ...(r.extraVolumes ?? [])].map((v) => v.mount),
  ];
  const container: V1Container = {
    name: r.component,
    image: r.image,
    args: r.args,
    env: r.env,
    ...(r.envFrom.length > 0 ? { envFrom: r.envFrom } : {}),
    resources: r.resources,
    volumeMounts: mounts,
    terminationMessagePolicy: 'FallbackToLogsOnError',
    securityContext: containerSecurityContext(),
  };
  if (r.imagePullPolicy) container.imagePullPolicy = r.imagePullPolicy;
  const meta = childMeta(r.ctx, r.name, r.component, r.group);
  const job: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta,
    spec: {
      backoffLimit: 0,
      completions: r.indexedCount ?? 1,
      parallelism: r.indexedCount ?? 1,
      ...(r.indexedCount !== undefined ? { completionMode: 'Indexed' } : {}),
      template: {
        metadata: { labels: childLabels(r.ctx, r.component, r.group), annotations: { ...meta.annotations } },
        spec: {
          restartPolicy: 'Never',
          ...(r.serviceAccountName ? { serviceAccountName: r.serviceAccountName } : {}),
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          containers: [container],
          volumes,
        },
      },
    },
  };
  return job;
}
