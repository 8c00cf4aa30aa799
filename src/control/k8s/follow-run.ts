// Follows an IncidentBenchRun in a cluster until it ends (SPEC §14 `run --k8s`, `delete --wait`): polls its status
// and reports each change. Must not print (the caller formats) nor change the run.

import type { Timers } from '../../core/timers.js';
import type { KubeApi } from './kube-api.js';
import type { IncidentBenchRun } from './run-resource.js';

export interface FollowOptions {
  api: KubeApi;
  namespace: string;
  name: string;
  timers: Timers;
  /** Poll interval (default 2 s). */
  intervalMs?: number;
  /** Called with the run whenever its resourceVersion changed. */
  onChange: (run: IncidentBenchRun) => void;
  /** Stops following (the run goes on in the cluster). */
  signal?: AbortSignal;
}

export type FollowEnd =
  | { kind: 'ended'; run: IncidentBenchRun }
  | { kind: 'gone' }
  | { kind: 'stopped'; run: IncidentBenchRun | null };

export function isFinished(run: IncidentBenchRun): boolean {
  return run.status?.phase === 'Completed' || run.status?.phase === 'Failed';
}

/** Polls until the run is Completed or Failed, deleted, or the signal fires. API errors propagate. */
export function followRun(o: FollowOptions): Promise<FollowEnd> {
  const interval = o.intervalMs ?? 2000;
  let lastVersion: string | undefined;
  let last: IncidentBenchRun | null = null;
  return new Promise<FollowEnd>((resolve, reject) => {
    let settled = false;
    const finish = (end: FollowEnd) => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      resolve(end);
    };
    const onAbort = () => finish({ kind: 'stopped', run: last });
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const poll = async () => {
      if (settled) return;
      try {
        const run = await o.api.getRun(o.namespace, o.name);
        if (settled) return;
        if (!run) return finish({ kind: 'gone' });
        last = run;
        if (run.metadata.resourceVersion !== lastVersion) {
          lastVersion = run.metadata.resourceVersion;
          o.onChange(run);
        }
        if (isFinished(run)) return finish({ kind: 'ended', run });
        o.timers.after(interval, () => void poll());
      } catch (err) {
        if (settled) return;
        settled = true;
        reject(err);
      }
    };
    if (o.signal?.aborted) onAbort();
    else void poll();
  });
}
