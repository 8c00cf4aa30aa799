// A tiny stand-in for the Job controller: creates the pods of a Job (one per completion index) with the labels
// and annotations Kubernetes sets, owned by the Job. Must not run on its own; tests call it.

import type { ObjectStore } from './store.js';
import { resolveResource } from './resources.js';
import type { KubeObject } from './types.js';

export const JOB_NAME_LABEL = 'job-name';
export const BATCH_JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

export interface SimulatePodsOptions {
  /** Pod phase (default Running). */
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Which completion indexes get pods (default: 0 … completions-1; one pod for a non-indexed Job). */
  indexes?: number[];
}

interface JobShape {
  spec?: {
    completions?: number;
    parallelism?: number;
    completionMode?: string;
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  };
}

function podSuffix(seed: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let n = seed * 104729 + 17;
  let s = '';
  for (let i = 0; i < 5; i++) {
    s += alphabet[n % alphabet.length];
    n = Math.floor(n / alphabet.length);
  }
  return s;
}

let podSeq = 0;

/** Creates (through the store, as test-control writes) the pods of `job`, returning them. */
export function simulateJobPods(store: ObjectStore, job: KubeObject, o: SimulatePodsOptions = {}): KubeObject[] {
  const spec = (job as JobShape).spec ?? {};
  const indexed = spec.completionMode === 'Indexed';
  const count = indexed ? (spec.completions ?? spec.parallelism ?? 1) : 1;
  const indexes = o.indexes ?? Array.from({ length: count }, (_, i) => i);
  const jobName = job.metadata.name ?? '';
  const namespace = job.metadata.namespace ?? 'default';
  const phase = o.phase ?? 'Running';
  const template = spec.template ?? {};
  const containers = ((template.spec?.containers ?? [{ name: 'main', image: 'incidentbench' }]) as { name: string; image?: string }[]);
  const pods = resolveResource('pods');
  return indexes.map((index) => {
    const labels: Record<string, string> = {
      ...(template.metadata?.labels ?? {}),
      [JOB_NAME_LABEL]: jobName,
      [BATCH_JOB_NAME_LABEL]: jobName,
      'controller-uid': job.metadata.uid ?? '',
      'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '',
    };
    const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
    if (indexed) {
      labels[COMPLETION_INDEX] = String(index);
      annotations[COMPLETION_INDEX] = String(index);
    }
    const name = indexed ? `${jobName}-${index}-${podSuffix(++podSeq)}` : `${jobName}-${podSuffix(++podSeq)}`;
    const running = phase === 'Running';
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels,
        annotations,
        ownerReferences: job.metadata.uid
          ? [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }]
          : undefined,
      },
      spec: { ...(template.spec ?? {}), containers },
      status: {
        phase,
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          ready: running,
          restartCount: 0,
          started: running,
          state: running
            ? { running: { startedAt: new Date().toISOString() } }
            : phase === 'Pending'
              ? { waiting: { reason: 'ContainerCreating' } }
              : { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, reason: phase === 'Succeeded' ? 'Completed' : 'Error' } },
        })),
      },
    };
    if (!pod.metadata.ownerReferences) delete pod.metadata.ownerReferences;
    return store.create(pods, namespace, pod, { force: true });
  });
}
