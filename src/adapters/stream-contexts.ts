// The streams of a plan as adapters see them (StreamContext). Must not name target objects: each adapter derives
// its own table/index names from the stream's index.

import type { RunPlan } from '../scenario/plan-types.js';
import type { StreamContext } from './types.js';

export function streamContexts(plan: RunPlan): StreamContext[] {
  return plan.streams.map((s, i) => {
    const r = plan.scenario.streams[i]!;
    return { name: s.name, index: s.index, timestampField: r.timestampField, fields: r.fields, topic: s.topic,
      partitions: s.partitions, sentinelField: s.sentinelField };
  });
}
