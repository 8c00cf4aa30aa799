// The workers a plan expects (SPEC §9, §12.1 worker completeness): role + index (+ group) and their ids.
// Must not track liveness.

import type { RunPlan } from '../scenario/plan-types.js';
import { workerId, type WorkerRole } from './protocol.js';

export interface ExpectedWorker {
  id: string;
  role: WorkerRole;
  index: number;
  group?: string;
}

export function expectedWorkers(plan: RunPlan): ExpectedWorker[] {
  const out: ExpectedWorker[] = [];
  for (let i = 0; i < plan.workers.ingest.count; i++) out.push({ id: workerId('ingest', i), role: 'ingest', index: i });
  for (const q of plan.workers.query) {
    for (let i = 0; i < q.count; i++) out.push({ id: workerId('query', i, q.group), role: 'query', index: i, group: q.group });
  }
  return out;
}
