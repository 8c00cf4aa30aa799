// Judges a run's pods for the operator (SPEC §15.2 "worker pods crash-looping"): which pod has been stuck in a state
// it will not leave by itself for too long, with a message that names the pod and the likely cause. Pure; no I/O.

import type { ObservedPod } from './observed-run.js';

/** Waiting reasons a pod does not recover from without someone changing something. */
export const STUCK_REASONS = ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError'] as const;

export interface StuckPod {
  pod: string;
  /** The waiting reason (CamelCase, usable as a condition reason). */
  reason: string;
  message: string;
}

export interface PodVerdict {
  stuck: StuckPod | null;
  /** ms until a pod that is stuck now would pass the limit; null when none is on its way. */
  recheckInMs: number | null;
}

const HINTS: Record<string, string> = {
  CreateContainerConfigError: 'usually a missing Secret (or a missing key in it): check that the Secrets named by '
    + 'spec.target.credentialsSecretRef, spec.kafka.saslSecretRef and spec.kafka.tls.caSecretRef exist in the run\'s namespace',
  ImagePullBackOff: 'the image cannot be pulled: check spec.image and the registry credentials',
  ErrImagePull: 'the image cannot be pulled: check spec.image and the registry credentials',
  CrashLoopBackOff: 'the container keeps exiting: see its logs',
};

/** The first pod (in name order) stuck for more than `limitMs` at `nowMs`, among `pods`. */
export function judgePods(pods: readonly ObservedPod[], nowMs: number, limitMs: number): PodVerdict {
  let recheckInMs: number | null = null;
  const sorted = [...pods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const p of sorted) {
    const w = p.waiting;
    if (w === null || !(STUCK_REASONS as readonly string[]).includes(w.reason)) continue;
    const forMs = nowMs - w.sinceMs;
    if (forMs > limitMs) {
      const detail = w.message.trim() === '' ? '' : `: ${w.message.trim()}`;
      return {
        stuck: {
          pod: p.name,
          reason: w.reason,
          message: `pod ${p.name} (container ${w.container}) is in ${w.reason} for ${Math.round(forMs / 1000)} s${detail} — ${HINTS[w.reason] ?? ''}`,
        },
        recheckInMs: null,
      };
    }
    const left = limitMs - forMs + 1;
    recheckInMs = recheckInMs === null ? left : Math.min(recheckInMs, left);
  }
  return { stuck: null, recheckInMs };
}

/** The termination message of the failed container of a Job's pods (its last log lines), or null. */
export function failedPodMessage(pods: readonly ObservedPod[], jobName: string): { pod: string; exitCode: number; message: string } | null {
  const failed = pods.filter((p) => p.jobName === jobName && p.terminated !== null && p.terminated.exitCode !== 0);
  const p = failed.sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  if (p === undefined || p.terminated === null) return null;
  const text = p.terminated.message.trim() !== '' ? lastWords(p.terminated.message) : p.terminated.reason;
  return { pod: p.name, exitCode: p.terminated.exitCode, message: text };
}

/** Longest termination message quoted in a condition. */
const MESSAGE_LIMIT = 1000;

/**
 * What a termination message (with FallbackToLogsOnError: up to the last 80 log lines) says in one line: the last
 * `error: …` line the CLI ends a failure with, else the last three non-empty lines joined by " | ".
 */
export function lastWords(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const error = [...lines].reverse().find((l) => l.startsWith('error:'));
  const text = error ?? lines.slice(-3).join(' | ');
  return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT - 1)}…` : text;
}
