// The plan the ingest and memory benches run: the SRE-outage scenario cut to one steady phase (its overlap phase's
// query mix) at a given EPS and QPS, one ingest and one query worker, batches of 1000. Must not start anything.

import { fileURLToPath } from 'node:url';
import { buildPlan } from '../src/scenario/plan.js';
import type { RunPlan } from '../src/scenario/plan-types.js';
import { loadScenarioFile } from '../src/scenario/load-scenario.js';
import { resolveScenario } from '../src/scenario/resolve.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/sre-outage.yaml', import.meta.url));

export interface SteadyPlanOptions {
  runName: string;
  eps: number;
  qps: number;
  seconds: number;
  threads: number;
  bootstrap: string;
  partitions: number;
}

export function steadyPlan(o: SteadyPlanOptions): RunPlan {
  const loaded = loadScenarioFile(SCENARIO);
  const scenario = resolveScenario(loaded.doc, { baseDir: loaded.baseDir });
  const overlap = scenario.phases.find((p) => p.name === 'overlap')!;
  scenario.phases = [{ ...overlap, durationS: o.seconds, targetQps: o.qps }];
  scenario.streams[0]!.phases = [{ targetEps: o.eps, batchSize: 1000 }];
  return buildPlan(scenario, { runName: o.runName, runId: crypto.randomUUID(), durationScale: 1, rateScale: 1,
    ingestWorkers: 1, threads: o.threads, queryWorkers: 1, bootstrap: o.bootstrap.split(','), freshness: true,
    partitions: o.partitions });
}
