// The status the Job controller gives a Job from its pods (active / succeeded / failed, start and completion time,
// Complete or Failed with BackoffLimitExceeded, completedIndexes). Pure; must not touch the store.

import { COMPLETION_INDEX } from './job-pods.js';
import { kubeTime } from './pod-status.js';
import type { KubeObject } from './types.js';

interface JobShape {
  spec?: { completions?: number; parallelism?: number; completionMode?: string; backoffLimit?: number };
  status?: JobStatus;
}

export interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
  completedIndexes?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastProbeTime?: string; lastTransitionTime?: string }[];
}

/** True once the Job has a Complete or Failed condition (the controller then leaves it alone). */
export function jobFinished(job: KubeObject): boolean {
  return ((job as JobShape).status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** "0,2-4" from [0, 2, 3, 4]. */
export function indexRanges(indexes: number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(sorted[i] === start ? String(start) : `${start}-${sorted[i]!}`);
  }
  return parts.join(',');
}

/** The Job's status after a change of its pods; `now` stamps startTime (first time) and the final condition. */
export function jobStatus(job: KubeObject, pods: KubeObject[], now: Date = new Date()): JobStatus {
  const j = job as JobShape;
  const prev = j.status ?? {};
  const phaseOf = (p: KubeObject) => (p.status as { phase?: string } | undefined)?.phase ?? 'Pending';
  const live = pods.filter((p) => p.metadata.deletionTimestamp === undefined);
  const succeededPods = live.filter((p) => phaseOf(p) === 'Succeeded');
  const failed = pods.filter((p) => phaseOf(p) === 'Failed').length;
  const active = live.filter((p) => phaseOf(p) === 'Pending' || phaseOf(p) === 'Running').length;
  const ready = live.filter((p) => phaseOf(p) === 'Running').length;
  const indexed = j.spec?.completionMode === 'Indexed';
  const indexes = succeededPods.map((p) => Number(p.metadata.annotations?.[COMPLETION_INDEX] ?? p.metadata.labels?.[COMPLETION_INDEX]));
  const succeeded = indexed ? new Set(indexes).size : succeededPods.length;
  const completions = j.spec?.completions ?? 1;
  const at = kubeTime(now);
  const status: JobStatus = {
    startTime: prev.startTime ?? at,
    active,
    ready,
    succeeded,
    failed,
    ...(indexed ? { completedIndexes: indexRanges(indexes) } : {}),
  };
  if (prev.conditions !== undefined && jobFinished(job)) return { ...prev, ...status, active, conditions: prev.conditions };
  if (failed > (j.spec?.backoffLimit ?? 6)) {
    status.conditions = [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit',
      lastProbeTime: at, lastTransitionTime: at }];
  } else if (succeeded >= completions) {
    status.completionTime = at;
    status.conditions = [{ type: 'Complete', status: 'True', lastProbeTime: at, lastTransitionTime: at }];
  }
  return status;
}
