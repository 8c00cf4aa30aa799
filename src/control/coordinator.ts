// The coordinator role (SPEC §1.1, §9, §10.2): publishes the plan and the prepare result on the control topic, holds
// the READY barrier, sends START, follows the run until every worker is done (or lost/failed) or it is aborted,
// drains, and hands the result to the report writer. Must not prepare the target (the runner does) nor merge
// snapshots itself (stream-agg's RunAggregation does).

import { RunError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Timers } from '../core/timers.js';
import { VERSION } from '../core/version.js';
import type { PrepareResult, TargetAdapter } from '../adapters/types.js';
import { createKafka } from '../kafka/client-factory.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import type { PartitionOffset } from '../kafka/offsets.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { RunAggregation } from '../stream-agg/run-aggregation.js';
import type { LiveMessage } from '../stream-agg/live-types.js';
import type { RunJson } from '../stream-agg/run-result-types.js';
import { writeReport, type WrittenReport } from '../report/write-report.js';
import { expectedWorkers } from './expected-workers.js';
import { KafkaControlChannel } from './kafka-control-channel.js';
import { ReadyBarrier } from './ready-barrier.js';
import { startTime } from './start-time.js';

export interface CoordinatorOptions {
  plan: RunPlan;
  planHash: string;
  kafka: KafkaSettings;
  adapter: TargetAdapter | null;
  prepared: PrepareResult | null;
  startOffsets: Record<string, PartitionOffset[]> | null;
  /** The run's output directory: snapshots.jsonl, run.json, report.html, timeseries.csv. */
  outDir: string;
  timers: Timers;
  logger: Logger;
  /** START lead (SPEC §9: 3 s local, 5 s in a cluster). */
  startLeadMs: number;
  /**
   * Aborts the run: `abort` is broadcast, workers flush, a partial report marked invalid is written. A RunError as
   * the abort reason means the run failed (exit 1); anything else is an interruption (Ctrl-C, exit 130).
   */
  signal?: AbortSignal;
  onLive?: (message: LiveMessage) => void;
  /** Longest wait for workers' `done` after the timeline ends (default 30 s; lost workers do not extend it). */
  doneGraceMs?: number;
}

export interface CoordinatorResult {
  run: RunJson;
  /** Why the run failed (exit 1), or null. */
  failed: string | null;
  written: WrittenReport;
  /** Set when the run was aborted: the reason. */
  aborted: string | null;
}

/** How long after an abort the coordinator waits for the workers' final snapshots and `done`. */
const ABORT_FLUSH_MS = 5000;

export async function runCoordinator(o: CoordinatorOptions): Promise<CoordinatorResult> {
  const { plan, timers } = o;
  const logger = o.logger.child({ run: plan.run.name, role: 'coordinator' });
  const client = createKafka(o.kafka, { run: plan.run.name, role: 'coordinator', logger });
  const control = new KafkaControlChannel(client, plan.kafka.topics.control,
    { run: plan.run.name, runId: plan.run.id, from: 'coordinator', clock: timers.clock }, logger);
  const aggregation = await RunAggregation.open({ plan, client, adapter: o.adapter, prepared: o.prepared,
    startOffsets: o.startOffsets, outDir: o.outDir, timers, logger, version: VERSION, ...(o.onLive ? { onLive: o.onLive } : {}) });
  const expected = expectedWorkers(plan);
  const barrier = new ReadyBarrier(expected, o.planHash, timers, plan.harness.readyTimeoutS);
  let aborted: string | null = null;
  let wake: () => void = () => undefined;
  const changed = () => wake();
  const off = control.subscribe((msg, receivedAt) => {
    if (msg.runId !== plan.run.id) return; // an earlier run of the same name on a reused topic
    aggregation.control(msg, receivedAt);
    barrier.handle(msg);
    if (msg.type === 'abort' && aborted === null) aborted = msg.reason;
    changed();
  });
  let failed: string | null = null;
  const onAbort = () => {
    if (aborted !== null) return;
    const reason: unknown = o.signal?.reason;
    // A RunError as the reason means the run failed (a worker thread died, …): a fatal abort, exit 1.
    const fatal = reason instanceof RunError;
    aborted = reason instanceof Error ? reason.message : String(reason ?? 'interrupted');
    if (fatal) failed = aborted;
    void control.send(fatal ? { type: 'abort', reason: aborted, fatal } : { type: 'abort', reason: aborted })
      .catch((err: unknown) => logger.warn('abort broadcast failed', { error: (err as Error).message }));
    changed();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await control.start();
    aggregation.setStage('waiting');
    await control.send({ type: 'plan', plan, planHash: o.planHash });
    await control.send({ type: 'prepared', planHash: o.planHash, prepareResult: o.prepared ?? { consumerGroups: null, queryEndpoints: {} } });
    logger.info('waiting for workers', { expected: expected.map((w) => w.id) });
    const ready = await Promise.race([barrier.done.then(() => true), untilAborted(o.signal)]);
    if (!ready) throw new RunError(failed ?? `aborted before START: ${aborted ?? 'interrupted'}`);
    const t0 = startTime(timers.clock.nowMs(), o.startLeadMs);
    await control.send({ type: 'start', t0 });
    logger.info('START', { t0: new Date(t0).toISOString(), durationS: plan.totals.durationS });

    // Follow the run: until every worker is done, failed or lost — or aborted (then a short flush).
    const endMs = t0 + plan.totals.durationS * 1000;
    const graceMs = o.doneGraceMs ?? 30_000;
    let abortedAt: number | undefined;
    for (;;) {
      const now = timers.clock.nowMs();
      const states = expected.map((w) => aggregation.agg.control.workers.get(w.id));
      // A lost worker may only be cut off from Kafka (an outage silences every worker at once): it counts as
      // settled once the timeline is over, so the run is followed to its end and its late snapshots still count.
      const settled = states.every((s) => s && (s.doneAt !== null || s.failed !== null || (s.lostAt !== null && now >= endMs)));
      if (settled) break;
      if (aborted !== null && now >= (abortedAt ??= now) + ABORT_FLUSH_MS) break;
      if (aborted === null && now > endMs + graceMs) {
        logger.warn('workers did not report done in time', {
          missing: expected.filter((_, i) => !states[i]?.doneAt).map((w) => w.id) });
        break;
      }
      await new Promise<void>((resolve) => {
        const t = timers.after(500, resolve);
        wake = () => { t.cancel(); resolve(); };
      });
    }
    if (aborted === null) {
      const { drained } = await aggregation.drain();
      if (!drained) logger.warn('backlog did not drain within the drain timeout', { drainTimeoutS: plan.harness.drainTimeoutS });
    }
  } catch (err) {
    failed ??= (err as Error).message;
    logger.error('run failed', { error: failed });
    if (aborted === null) await control.send({ type: 'abort', reason: failed, fatal: true }).catch(() => undefined);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  const run = await aggregation.finish({ failed, generatedAt: new Date(timers.clock.nowMs()).toISOString() });
  const written = writeReport(run, o.outDir);
  await aggregation.publishSummary(run, o.outDir);
  off();
  await control.stop().catch(() => undefined);
  return { run, written, aborted, failed };
}

function untilAborted(signal: AbortSignal | undefined): Promise<false> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve(false);
    else signal.addEventListener('abort', () => resolve(false), { once: true });
  });
}
