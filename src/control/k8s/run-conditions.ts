// Status conditions of an IncidentBenchRun (standard metav1.Condition rules): setting one keeps its
// lastTransitionTime while its status is unchanged. Pure; must not read the clock (callers pass the time).

import type { Condition, ConditionType } from './run-resource.js';

export interface ConditionChange {
  type: ConditionType;
  status: Condition['status'];
  reason: string;
  message: string;
}

/** RFC 3339 at whole seconds, as Kubernetes writes times ("2026-01-01T00:00:00Z"). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Unix ms of an RFC 3339 time, or null when absent or unreadable. */
export function parseTime(text: string | undefined | null): number | null {
  if (text === undefined || text === null) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

export function findCondition(conditions: readonly Condition[] | undefined, type: ConditionType): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * The conditions with `change` applied: a new type is appended; an existing one takes the new reason and message,
 * and a new lastTransitionTime only when its status changes.
 */
export function withCondition(conditions: readonly Condition[] | undefined, change: ConditionChange, nowMs: number,
  observedGeneration: number | undefined): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === change.type);
  const prior = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    type: change.type,
    status: change.status,
    reason: change.reason,
    message: change.message,
    lastTransitionTime: prior !== undefined && prior.status === change.status ? prior.lastTransitionTime : rfc3339(nowMs),
  };
  if (observedGeneration !== undefined) next.observedGeneration = observedGeneration;
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}
