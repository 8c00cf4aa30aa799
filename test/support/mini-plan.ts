// Builds run plans with short custom timelines for worker tests (the plan builder accepts any phase list;
// only scenario validation insists on the six standard phases). Must not be used outside tests.

import { loadScenarioText } from '../../src/scenario/load-scenario.js';
import { buildPlan } from '../../src/scenario/plan.js';
import type { RunPlan } from '../../src/scenario/plan-types.js';
import { resolveScenario } from '../../src/scenario/resolve.js';
import { scenarioText } from './scenario-text.js';

export interface MiniPhase {
  name: string;
  durationS: number;
  eps: number;
  batchSize?: number;
  qps?: number;
}

export function miniPlan(phases: MiniPhase[], o: { run: string; workers?: number; threads?: number;
  maxInflightBatches?: number; freshness?: boolean; bootstrap?: string; partitions?: number; queries?: boolean; maxInFlight?: number;
  timeoutMs?: number; queryWorkers?: number }): RunPlan {
  const loaded = loadScenarioText(scenarioText(), 'mini.yaml', '.');
  const scenario = resolveScenario(loaded.doc, { baseDir: '.' });
  scenario.phases = phases.map((p, i) => ({ ...scenario.phases[i % scenario.phases.length]!, name: p.name,
    displayName: p.name, durationS: p.durationS, targetQps: p.qps ?? 0, role: null,
    profile: i % 2 === 0 ? 'baseline' : 'incident' }));
  if (o.queries === false) scenario.queries = [];
  if (o.timeoutMs !== undefined) for (const q of scenario.queries) q.timeoutMs = o.timeoutMs;
  scenario.streams[0]!.phases = phases.map((p) => ({ targetEps: p.eps, batchSize: p.batchSize ?? 100 }));
  return buildPlan(scenario, {
    runName: o.run, runId: '0f0e0d0c-0000-4000-8000-000000000000', durationScale: 1, rateScale: 1,
    ingestWorkers: o.workers ?? 1, threads: o.threads ?? 2, queryWorkers: o.queryWorkers ?? 1,
    maxInflightBatches: o.maxInflightBatches, maxInFlight: o.maxInFlight, freshness: o.freshness ?? true,
    bootstrap: o.bootstrap ? o.bootstrap.split(',') : [], partitions: o.partitions ?? null,
  });
}
