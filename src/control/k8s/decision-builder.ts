// Collects one decision while the lifecycle rules look at a run: side effects in order, the next status, events and
// the earliest time to look again. Pure; must not decide anything itself.

import { canonicalJson } from '../../core/canonical-json.js';
import type { Action, Decision, EventType } from './decision.js';
import { withCondition, type ConditionChange } from './run-conditions.js';
import type { RunStatus } from './run-resource.js';

/** Kubernetes keeps event messages short; longer ones are cut with an ellipsis. */
const EVENT_MESSAGE_LIMIT = 1000;

export class DecisionBuilder {
  /** Finalizer changes, creates, deletes and report writes, in order. */
  private readonly effects: Action[] = [];
  private readonly events: Action[] = [];
  private follow: Action | null = null;
  private requeue: number | null = null;
  readonly original: RunStatus;
  status: RunStatus;

  constructor(current: RunStatus | undefined, readonly nowMs: number) {
    this.original = current ?? {};
    this.status = structuredClone(this.original);
  }

  do(action: Action): void {
    this.effects.push(action);
  }

  event(type: EventType, reason: string, message: string): void {
    const text = message.length > EVENT_MESSAGE_LIMIT ? `${message.slice(0, EVENT_MESSAGE_LIMIT - 1)}…` : message;
    this.events.push({ kind: 'event', type, reason, message: text });
  }

  condition(change: ConditionChange): void {
    this.status.conditions = withCondition(this.status.conditions, change, this.nowMs, this.status.observedGeneration);
  }

  followLive(on: boolean): void {
    this.follow = { kind: on ? 'followLive' : 'stopFollowing' };
  }

  /** Look again within `ms` (the earliest request wins). */
  requeueIn(ms: number): void {
    const v = Math.max(1, Math.ceil(ms));
    this.requeue = this.requeue === null ? v : Math.min(this.requeue, v);
  }

  get statusChanged(): boolean {
    return canonicalJson(this.status) !== canonicalJson(this.original);
  }

  build(): Decision {
    const actions = [...this.effects];
    if (this.statusChanged) actions.push({ kind: 'setStatus', status: this.status });
    actions.push(...this.events);
    if (this.follow !== null) actions.push(this.follow);
    return { actions, requeueAfterMs: this.requeue };
  }
}
