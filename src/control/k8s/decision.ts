// The operator's decision for one run (SPEC §15.2): an ordered list of actions the I/O layer carries out, plus when to
// look again. Types only; must not do I/O nor decide anything.

import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import type { Component, RunStatus } from './run-resource.js';

export type EventType = 'Normal' | 'Warning';

export type Action =
  | { kind: 'addFinalizer' }
  | { kind: 'removeFinalizer' }
  /** Create the plan ConfigMap (one that exists is left as it is). */
  | { kind: 'createConfigMap'; object: V1ConfigMap }
  /** Create a child Job (one that exists is left as it is). */
  | { kind: 'createJob'; which: Component; object: V1Job }
  | { kind: 'deleteJob'; name: string }
  /** Replace status with this full next status (only emitted when it differs from the current one). */
  | { kind: 'setStatus'; status: RunStatus }
  | { kind: 'event'; type: EventType; reason: string; message: string }
  /** Keep a reader on the run's live topic (starting one when there is none). */
  | { kind: 'followLive' }
  /** Stop the run's live-topic reader, if any. */
  | { kind: 'stopFollowing' }
  /** Rebuild run.json + report.html from the run's topics and create `R-report`. */
  | { kind: 'writeReport' };

export interface Decision {
  actions: Action[];
  /** Decide again after this many ms even when nothing changes; null = only on a change. */
  requeueAfterMs: number | null;
}
