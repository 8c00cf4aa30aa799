// Pod status shapes the fake kubelet writes (waiting, running, terminated) and the termination message Kubernetes
// takes from the log under `terminationMessagePolicy: FallbackToLogsOnError`. Pure; must not touch the store.

import type { KubeObject } from './types.js';

/** Kubernetes keeps at most this much of the log as a termination message (the smaller of the two wins). */
export const FALLBACK_LOG_LINES = 80;
export const FALLBACK_LOG_BYTES = 2048;

/** RFC 3339 at whole seconds, as the API server writes timestamps. */
export function kubeTime(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The last lines of `log`: at most FALLBACK_LOG_LINES lines and FALLBACK_LOG_BYTES bytes (cut at a line start). */
export function fallbackLogMessage(log: string): string {
  let lines = log.replace(/\n$/, '').split('\n').slice(-FALLBACK_LOG_LINES);
  while (lines.length > 1 && Buffer.byteLength(lines.join('\n'), 'utf8') > FALLBACK_LOG_BYTES) lines = lines.slice(1);
  const text = lines.join('\n');
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length > FALLBACK_LOG_BYTES ? bytes.subarray(bytes.length - FALLBACK_LOG_BYTES).toString('utf8') : text;
}

/** 128 + signal number for a signal-ended process (SIGTERM 143, SIGKILL 137), as a container runtime reports it. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (signal !== null ? numbers[signal] ?? 0 : 0);
}

interface PodShape {
  spec?: { containers?: { name: string; image?: string; terminationMessagePolicy?: string }[] };
  status?: Record<string, unknown>;
}

type ContainerState = Record<string, Record<string, unknown>>;

function containerStatuses(pod: KubeObject, state: ContainerState, running: boolean): Record<string, unknown>[] {
  return ((pod as PodShape).spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    ready: running,
    started: running,
    restartCount: 0,
    state,
  }));
}

/** Pending with the container waiting (`ContainerCreating`, `CreateContainerConfigError`, …). */
export function waitingStatus(pod: KubeObject, reason: string, message: string, startTime: string): Record<string, unknown> {
  return {
    phase: 'Pending',
    startTime,
    conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
    containerStatuses: containerStatuses(pod, { waiting: { reason, message } }, false),
  };
}

export function runningStatus(pod: KubeObject, startTime: string, startedAt: string): Record<string, unknown> {
  return {
    phase: 'Running',
    startTime,
    conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }],
    containerStatuses: containerStatuses(pod, { running: { startedAt } }, true),
  };
}

export interface Termination {
  exitCode: number;
  /** The container's whole log so far (the message comes from its tail when the policy says so). */
  log: string;
  startTime: string;
  startedAt: string;
  finishedAt: string;
}

/** Succeeded (exit 0) or Failed; a failed container with FallbackToLogsOnError gets its log tail as the message. */
export function terminatedStatus(pod: KubeObject, t: Termination): Record<string, unknown> {
  const ok = t.exitCode === 0;
  const policy = (pod as PodShape).spec?.containers?.[0]?.terminationMessagePolicy;
  const message = !ok && policy === 'FallbackToLogsOnError' ? fallbackLogMessage(t.log) : '';
  const terminated: Record<string, unknown> = {
    exitCode: t.exitCode,
    reason: ok ? 'Completed' : 'Error',
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    ...(message !== '' ? { message } : {}),
  };
  return {
    phase: ok ? 'Succeeded' : 'Failed',
    startTime: t.startTime,
    conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: 'PodCompleted' }],
    containerStatuses: containerStatuses(pod, { terminated }, false),
  };
}
