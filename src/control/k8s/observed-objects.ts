// Turns the Kubernetes objects of a run (Jobs, pods, the report ConfigMap) into what the decision function reads
// (observed-run.ts). Pure; must not do I/O nor judge what it converts.

import type { V1ConfigMap, V1Job, V1Pod } from '@kubernetes/client-node';
import type { ObservedJob, ObservedPod, ObservedReport } from './observed-run.js';
import { COMPONENT_LABEL, REPORT_KEYS, type Component, type IncidentBenchRun } from './run-resource.js';

/** Annotation of `R-report`: gzip size of report.html in bytes (set also when it did not fit). */
export const REPORT_HTML_GZ_BYTES_ANNOTATION = 'incidentbench.io/report-html-gz-bytes';

const COMPONENTS: readonly Component[] = ['coordinator', 'ingest', 'query', 'cleanup', 'operator'];

function ms(t: Date | string | undefined | null): number | null {
  if (t === undefined || t === null) return null;
  const v = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(v) ? v : null;
}

/** The object was made for this run: it names the run as its controller owner (objects of an older run of the same name are not). */
export function ownedBy(obj: { metadata?: { ownerReferences?: { uid: string; controller?: boolean }[] } }, run: IncidentBenchRun): boolean {
  const uid = run.metadata.uid;
  if (uid === undefined) return true;
  return (obj.metadata?.ownerReferences ?? []).some((r) => r.uid === uid);
}

export function observedJob(job: V1Job): ObservedJob {
  const st = job.status ?? {};
  const conditions = st.conditions ?? [];
  const complete = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  const label = job.metadata?.labels?.[COMPONENT_LABEL];
  const component = (COMPONENTS as readonly string[]).includes(label ?? '') ? label as Component : 'coordinator';
  return {
    name: job.metadata?.name ?? '',
    component,
    active: st.active ?? 0,
    succeeded: st.succeeded ?? 0,
    failed: st.failed ?? 0,
    complete,
    failedCondition: failed ? { reason: failed.reason ?? 'Failed', message: failed.message ?? '' } : null,
    finishedAtMs: ms(st.completionTime) ?? (failed ? ms(failed.lastTransitionTime) ?? ms(failed.lastProbeTime) : null),
    createdAtMs: ms(job.metadata?.creationTimestamp) ?? 0,
    deleting: job.metadata?.deletionTimestamp !== undefined && job.metadata?.deletionTimestamp !== null,
  };
}

export function observedPod(pod: V1Pod): ObservedPod {
  const statuses = pod.status?.containerStatuses ?? [];
  const started = ms(pod.status?.startTime) ?? ms(pod.metadata?.creationTimestamp) ?? 0;
  let waiting: ObservedPod['waiting'] = null;
  let terminated: ObservedPod['terminated'] = null;
  for (const c of statuses) {
    const w = c.state?.waiting;
    if (waiting === null && w?.reason) {
      // Kubernetes does not record when a container began waiting: a crash loop waits since its last exit, anything else since the pod started.
      const lastExit = ms(c.lastState?.terminated?.finishedAt);
      waiting = { container: c.name, reason: w.reason, message: w.message ?? '', sinceMs: w.reason === 'CrashLoopBackOff' && lastExit !== null ? lastExit : started };
    }
    const t = c.state?.terminated;
    if (t && (terminated === null || (terminated.exitCode === 0 && t.exitCode !== 0))) {
      terminated = { container: c.name, exitCode: t.exitCode, reason: t.reason ?? '', message: t.message ?? '' };
    }
  }
  return {
    name: pod.metadata?.name ?? '',
    jobName: pod.metadata?.labels?.['job-name'] ?? pod.metadata?.labels?.['batch.kubernetes.io/job-name'] ?? null,
    phase: pod.status?.phase ?? 'Unknown',
    waiting,
    terminated,
  };
}

export function observedReport(cm: V1ConfigMap): ObservedReport {
  const size = Number(cm.metadata?.annotations?.[REPORT_HTML_GZ_BYTES_ANNOTATION]);
  return {
    name: cm.metadata?.name ?? '',
    hasHtml: cm.binaryData?.[REPORT_KEYS.reportHtml] !== undefined,
    htmlBytes: Number.isFinite(size) && size > 0 ? size : null,
  };
}
