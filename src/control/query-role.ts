// The query worker role as a process runs it (SPEC §7, §9): joins over the control topic, learns the query
// endpoints from the coordinator's `prepared` message, says READY, waits for START, runs the open-loop schedule or
// session mode, publishes snapshots and reports DONE (or FAIL). Must not prepare or clean up the target.

import { hostname } from 'node:os';
import type { PrepareResult, TargetAdapter } from '../adapters/types.js';
import { RunError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Timers } from '../core/timers.js';
import { VERSION } from '../core/version.js';
import { createKafka } from '../kafka/client-factory.js';
import { JsonProducer } from '../kafka/json-producer.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { ProcessSampler } from '../metrics/process-sampler.js';
import type { WorkerSnapshot } from '../metrics/worker-snapshot.js';
import { QueryWorker } from '../query-runner/query-worker.js';
import { SessionWorker } from '../query-runner/session-worker.js';
import { sessionOf } from '../scenario/session-mode.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { waitForMessage } from './control-channel.js';
import { KafkaControlChannel } from './kafka-control-channel.js';
import { FINAL_FLUSH_MS, SnapshotOutbox } from './snapshot-outbox.js';
import { workerId, type WorkerTotals } from './protocol.js';
import { WorkerSession } from './worker-session.js';

export interface QueryRoleOptions {
  plan: RunPlan;
  planHash: string;
  group: string;
  index: number;
  kafka: KafkaSettings;
  adapter: TargetAdapter;
  timers: Timers;
  logger: Logger;
  /** How long to wait for the coordinator's `prepared` message (default the plan's READY timeout). */
  preparedTimeoutS?: number;
}

/** The endpoint of a query group: its `endpoint` key in the prepare result, else the first one. */
export function endpointFor(plan: RunPlan, group: string, prepared: PrepareResult): string {
  const key = plan.workers.query.find((w) => w.group === group)?.endpoint ?? '';
  const endpoints = prepared.queryEndpoints;
  if (key) {
    const url = endpoints[key];
    if (url === undefined) {
      throw new RunError(`query group ${group} names endpoint ${JSON.stringify(key)}, which the target does not have `
        + `(it has ${Object.keys(endpoints).join(', ') || 'none'})`);
    }
    return url;
  }
  const first = Object.values(endpoints)[0];
  if (first === undefined) throw new RunError('the target reported no query endpoint');
  return first;
}

export async function runQueryRole(o: QueryRoleOptions): Promise<WorkerTotals> {
  const id = workerId('query', o.index, o.group);
  const logger = o.logger.child({ run: o.plan.run.name, role: id });
  const client = createKafka(o.kafka, { run: o.plan.run.name, role: id, logger });
  const control = new KafkaControlChannel(client, o.plan.kafka.topics.control,
    { run: o.plan.run.name, runId: o.plan.run.id, from: id, clock: o.timers.clock }, logger);
  const metrics = new JsonProducer<WorkerSnapshot>(client, { acks: 1 });
  const outbox = new SnapshotOutbox({ timers: o.timers, logger,
    send: async (snaps) => { await metrics.sendBatch(o.plan.kafka.topics.metrics, snaps.map((value) => ({ key: id, value }))); } });
  const sampler = new ProcessSampler({ clock: o.timers.clock });
  const session = new WorkerSession(control, { role: 'query', index: o.index, group: o.group, threads: 1,
    host: hostname(), version: VERSION, planHash: o.planHash }, o.timers);
  try {
    await control.start();
    await metrics.connect();
    await session.hello();
    const timeoutS = o.preparedTimeoutS ?? o.plan.harness.readyTimeoutS;
    const prepared = (await waitForMessage(control, 'prepared', o.timers, timeoutS * 1000,
      `no "prepared" message from the coordinator within ${timeoutS} s`)).prepareResult as PrepareResult;
    const workerOpts = {
      plan: o.plan, group: o.group, index: o.index, adapter: o.adapter, endpoint: endpointFor(o.plan, o.group, prepared),
      timers: o.timers, logger,
      publish: async (s: WorkerSnapshot) => {
        await outbox.publish(s);
      },
      sampleProc: () => sampler.sample(),
    };
    const worker = sessionOf(o.plan) ? new SessionWorker(workerOpts) : new QueryWorker(workerOpts);
    await session.ready();
    const t0 = await session.waitForStart();
    const totals = await worker.run(t0, session.signal);
    await outbox.flush(FINAL_FLUSH_MS); // DONE means "final snapshot flushed" (SPEC §9)
    await session.done(totals);
    logger.info('done', { ...totals.query });
    return totals;
  } catch (err) {
    await session.fail((err as Error).message).catch(() => undefined);
    throw err;
  } finally {
    sampler.close();
    await outbox.flush(0);
    await metrics.disconnect().catch(() => undefined);
    await control.stop().catch(() => undefined);
  }
}
