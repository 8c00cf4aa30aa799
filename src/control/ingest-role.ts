// The ingest worker role as a process runs it (SPEC §6, §9): joins the run over the control topic, warms up its
// lane threads, says READY, waits for START, runs the timeline, publishes snapshots on the metrics topic and
// reports DONE (or FAIL). Must not aggregate or judge the run.

import { hostname } from 'node:os';
import type { Logger } from '../core/logger.js';
import type { Timers } from '../core/timers.js';
import { VERSION } from '../core/version.js';
import { IngestWorker } from '../generators/ingest-worker.js';
import { createKafka } from '../kafka/client-factory.js';
import { JsonProducer } from '../kafka/json-producer.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { ProcessSampler } from '../metrics/process-sampler.js';
import type { WorkerSnapshot } from '../metrics/worker-snapshot.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { KafkaControlChannel } from './kafka-control-channel.js';
import { FINAL_FLUSH_MS, SnapshotOutbox } from './snapshot-outbox.js';
import { workerId, type WorkerTotals } from './protocol.js';
import { WorkerSession } from './worker-session.js';

export interface IngestRoleOptions {
  plan: RunPlan;
  planHash: string;
  index: number;
  kafka: KafkaSettings;
  timers: Timers;
  logger: Logger;
}

export async function runIngestRole(o: IngestRoleOptions): Promise<WorkerTotals> {
  const id = workerId('ingest', o.index);
  const logger = o.logger.child({ run: o.plan.run.name, role: id });
  const client = createKafka(o.kafka, { run: o.plan.run.name, role: id, logger });
  const control = new KafkaControlChannel(client, o.plan.kafka.topics.control,
    { run: o.plan.run.name, runId: o.plan.run.id, from: id, clock: o.timers.clock }, logger);
  const metrics = new JsonProducer<WorkerSnapshot>(client, { acks: 1 });
  const outbox = new SnapshotOutbox({ timers: o.timers, logger,
    send: async (snaps) => { await metrics.sendBatch(o.plan.kafka.topics.metrics, snaps.map((value) => ({ key: id, value }))); } });
  const sampler = new ProcessSampler({ clock: o.timers.clock });
  const worker = new IngestWorker({
    plan: o.plan, index: o.index, kafka: o.kafka, timers: o.timers, logger,
    publish: async (s) => {
      await outbox.publish(s);
    },
    sampleProc: () => sampler.sample(),
  });
  const session = new WorkerSession(control, { role: 'ingest', index: o.index, threads: worker.threads,
    host: hostname(), version: VERSION, planHash: o.planHash }, o.timers);
  try {
    await control.start();
    await metrics.connect();
    await session.hello();
    await worker.warmUp();
    await session.ready();
    logger.info('ready; waiting for START');
    const t0 = await session.waitForStart();
    logger.info('started', { t0: new Date(t0).toISOString() });
    const totals = await worker.run(t0, session.signal);
    await outbox.flush(FINAL_FLUSH_MS); // DONE means "final snapshot flushed" (SPEC §9)
    await session.done(totals);
    logger.info('done', { ...totals.ingest, unfinishedBatches: worker.unfinishedBatches });
    return totals;
  } catch (err) {
    await session.fail((err as Error).message).catch(() => undefined);
    throw err;
  } finally {
    sampler.close();
    await outbox.flush(0);
    await worker.close();
    await metrics.disconnect().catch(() => undefined);
    await control.stop().catch(() => undefined);
  }
}
