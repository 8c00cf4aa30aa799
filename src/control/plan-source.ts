// Where a worker gets its plan (SPEC §9, §14 `worker`): a plan.json file, or the `plan` message on the run's
// control topic. Must not start the worker.

import { readFileSync } from 'node:fs';
import { ConfigError, RunError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Timers } from '../core/timers.js';
import { createKafka } from '../kafka/client-factory.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { planHash } from '../scenario/plan.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { waitForMessage } from './control-channel.js';
import { KafkaControlChannel } from './kafka-control-channel.js';

export interface LoadedPlan {
  plan: RunPlan;
  planHash: string;
}

/** Reads plan.json; a file that is not a plan says so in one line. */
export function readPlanFile(file: string): LoadedPlan {
  let plan: RunPlan;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8')) as RunPlan;
  } catch (err) {
    throw new ConfigError([{ file, line: 0, col: 0, path: '', message: `cannot read the plan: ${(err as Error).message}` }]);
  }
  if (plan === null || typeof plan !== 'object' || plan.planVersion !== 1 || !plan.run?.name) {
    throw new ConfigError([{ file, line: 0, col: 0, path: '', message: 'not a run plan (expected planVersion 1; make one with `incidentbench plan --json`)' }]);
  }
  return { plan, planHash: planHash(plan) };
}

/** Waits for the run's `plan` message on `ib.<run>.control`. */
export async function planFromControlTopic(run: string, kafka: KafkaSettings, timers: Timers, logger: Logger,
  timeoutS: number): Promise<LoadedPlan> {
  const client = createKafka(kafka, { run, role: 'worker-join', logger });
  const channel = new KafkaControlChannel(client, `ib.${run}.control`,
    { run, runId: '', from: 'worker-join', clock: timers.clock }, logger);
  try {
    await channel.start();
    const m = await waitForMessage(channel, 'plan', timers, timeoutS * 1000,
      `no plan for run ${run} on ib.${run}.control within ${timeoutS} s (is the coordinator running?)`);
    const hash = planHash(m.plan);
    if (hash !== m.planHash) throw new RunError(`the plan message of run ${run} does not match its own hash`);
    return { plan: m.plan, planHash: hash };
  } finally {
    await channel.stop().catch(() => undefined);
  }
}
