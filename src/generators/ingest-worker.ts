// One ingest worker (SPEC §6): owns the schedule of its lanes on its own thread, hands batches to a piscina pool
// of lane threads (one kafkajs producer each), accounts every event to its due second and publishes one
// snapshot per wall second. Must not speak the control protocol (the caller does) nor aggregate other workers.

import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { WorkerTotals } from '../control/protocol.js';
import type { Logger } from '../core/logger.js';
import type { Timers } from '../core/timers.js';
import { SecondPublisher } from '../metrics/second-publisher.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { parseAcks } from '../kafka/producer-options.js';
import type { ProcBlock, WorkerSnapshot } from '../metrics/worker-snapshot.js';
import type { RunPlan } from '../scenario/plan-types.js';
import type { TimestampFormat } from '../scenario/check-fields.js';
import { IngestAccounting } from './ingest-accounting.js';
import { LaneScheduler, type LaneBatch } from './lane-scheduler.js';
import type { LaneBatchResult, LaneTask, LaneThreadInit } from './lane-thread.js';
import { StreamSchedule } from './schedule.js';

export interface IngestWorkerOptions {
  plan: RunPlan;
  index: number;
  kafka: KafkaSettings;
  timers: Timers;
  logger: Logger;
  /** Publishes one snapshot (the metrics topic in production). Failures are logged and counted, not fatal. */
  publish: (snapshot: WorkerSnapshot) => Promise<void>;
  /** Process figures for each snapshot. */
  sampleProc: () => ProcBlock;
  timestampFormat?: TimestampFormat;
  /** How long after the timeline batches may still complete before they are counted as failed. */
  finishGraceMs?: number;
  tickMs?: number;
  /** Log level inside the lane threads (default warn). */
  laneLogLevel?: 'debug' | 'info' | 'warn' | 'error';
}

interface Lane {
  stream: number;
  scheduler: LaneScheduler;
}

const LANE_THREAD = fileURLToPath(new URL('./lane-thread.js', import.meta.url));

export class IngestWorker {
  readonly id: string;
  readonly threads: number;
  readonly host = hostname();
  private pool: Piscina | null = null;
  private publishFailures = 0;
  private unfinished = 0;

  constructor(private readonly o: IngestWorkerOptions) {
    this.id = `ingest-${o.index}`;
    this.threads = o.plan.workers.ingest.threads;
    if (o.index < 0 || o.index >= o.plan.workers.ingest.count) {
      throw new RangeError(`ingest worker index ${o.index} is outside the plan (0 … ${o.plan.workers.ingest.count - 1})`);
    }
  }

  /** Starts the lane threads and connects their producers (READY means this has finished). */
  async warmUp(): Promise<void> {
    const plan = this.o.plan;
    const init: LaneThreadInit = {
      run: plan.run.name,
      runId: plan.run.id,
      role: this.id,
      kafka: this.o.kafka,
      acks: parseAcks(plan.kafka.acks),
      compression: plan.kafka.compression,
      phases: plan.phases.map((p) => ({ offsetS: p.offsetS, durationS: p.durationS, profile: p.profile })),
      streams: plan.streams.map((s, i) => ({
        name: s.name, topic: s.topic, seed: s.seed, fields: plan.scenario.streams[i]!.fields,
        partitionKey: plan.scenario.streams[i]!.partitionKey,
        phases: s.phases.map((p) => ({ firstG: p.firstG, events: p.events })),
        idField: plan.harness.freshness.enabled ? s.sentinelField : null,
      })),
      sentinelIntervalS: plan.harness.freshness.enabled ? plan.harness.freshness.intervalS : null,
      ...(this.o.timestampFormat ? { timestampFormat: this.o.timestampFormat } : {}),
      logLevel: this.o.laneLogLevel ?? 'warn',
    };
    this.pool = new Piscina({
      filename: LANE_THREAD,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      atomics: 'async',
      // Tasks wait on Kafka acks: a thread serves all in-flight batches of its lanes at once.
      concurrentTasksPerWorker: Math.max(1, plan.streams.length * plan.harness.maxInflightBatches * 2),
      workerData: init,
    });
    await Promise.all(Array.from({ length: this.threads }, () => this.pool!.run({ kind: 'warmup' } satisfies LaneTask)));
  }

  /** Runs the timeline from t0 to the end and returns the summed counters (the `done` totals). */
  async run(t0: number, signal?: AbortSignal): Promise<WorkerTotals> {
    if (!this.pool) await this.warmUp();
    const plan = this.o.plan;
    const timers = this.o.timers;
    const clock = timers.clock;
    const schedules = plan.streams.map((s) => new StreamSchedule(t0, plan.phases, s.phases));
    const lanesTotal = plan.workers.ingest.count * plan.workers.ingest.threads;
    const myLanes = plan.lanes.filter((l) => l.worker === this.o.index);
    const lanes: Lane[] = myLanes.map((l) => {
      const stream = plan.streams.findIndex((s) => s.name === l.stream);
      return {
        stream,
        scheduler: new LaneScheduler(schedules[stream]!, l.lane, lanesTotal, {
          batchSizes: plan.streams[stream]!.phases.map((p) => p.batchSize),
          maxInflightBatches: plan.harness.maxInflightBatches,
        }),
      };
    });
    const targetEps = plan.phases.map((p, i) => {
      const events = myLanes.reduce((a, l) => a + l.events[i]!, 0);
      return events / p.durationS;
    });
    const accounting = new IngestAccounting(
      plan.streams.map((s, i) => ({ name: s.name, schedule: schedules[i]! })),
      myLanes.map((l) => ({ stream: plan.streams.findIndex((s) => s.name === l.stream), lane: l.lane, lanes: lanesTotal })),
      plan.phases.map((p, i) => ({ name: p.name, offsetS: p.offsetS, durationS: p.durationS, targetEps: targetEps[i]! })),
      t0,
    );
    const id = { run: plan.run.name, runId: plan.run.id, worker: this.id };
    const endMs = t0 + 1000 * plan.totals.durationS;
    const graceMs = this.o.finishGraceMs ?? 35_000;
    const inflight = new Set<{ lane: Lane; batch: LaneBatch }>();
    let phase = -1;
    let finished = false;
    let settle!: () => void;
    const allDone = new Promise<void>((resolve) => {
      settle = resolve;
    });

    const retriesSeen = new Map<number, number>();
    const onResult = (entry: { lane: Lane; batch: LaneBatch }, r: LaneBatchResult | null, err?: unknown) => {
      if (finished) return; // already counted as failed ('unfinished') at the final flush
      if (r) {
        const before = retriesSeen.get(r.thread) ?? 0;
        if (r.retries > before) {
          accounting.retried(clock.nowMs(), r.retries - before);
          retriesSeen.set(r.thread, r.retries);
        }
      }
      inflight.delete(entry);
      const { lane, batch } = entry;
      lane.scheduler.complete();
      if (r && r.ok) {
        accounting.acked(lane.stream, lanesTotal, batch, r.sentAt, r.doneAt);
        for (const s of r.sentinels) accounting.sentinel(lane.stream, { n: s.n, scheduledAt: s.scheduledAt, ackedAt: r.doneAt });
      } else {
        const errorClass = r?.errorClass ?? 'lane_thread_error';
        accounting.failed(lane.stream, lanesTotal, batch, errorClass);
        this.o.logger.debug('batch failed', { errorClass, error: r?.error ?? String(err) });
      }
    };

    const tick = () => {
      if (finished) return;
      const now = clock.nowMs();
      if (now < t0) return;
      const p = currentPhase(plan, t0, now);
      if (p !== phase) {
        phase = p;
        accounting.phaseSwitched(now);
      }
      let lag = 0;
      for (const lane of lanes) {
        const r = lane.scheduler.tick(now);
        for (const m of r.missed) accounting.missed(lane.stream, lanesTotal, m);
        for (const b of r.batches) {
          accounting.produced(lane.stream, lanesTotal, b);
          const entry = { lane, batch: b };
          inflight.add(entry);
          const task: LaneTask = { kind: 'batch', t0, stream: lane.stream, lanes: lanesTotal, firstG: b.firstG, count: b.count };
          this.pool!.run(task).then((res: LaneBatchResult) => onResult(entry, res), (e: unknown) => onResult(entry, null, e));
        }
        if (r.scheduleLagMs > lag) lag = r.scheduleLagMs;
      }
      accounting.scheduleLag(now, lag);
      if (lanes.every((l) => l.scheduler.exhausted) && inflight.size === 0) settle();
      else if (now > endMs + graceMs || signal?.aborted) settle();
    };

    const publishSecond = (second: number) => {
      const snap = accounting.snapshot(second, id, this.o.sampleProc());
      accounting.prune(second - 120);
      this.o.publish(snap).catch((e: unknown) => {
        this.publishFailures++;
        this.o.logger.warn('snapshot not published', { second, error: (e as Error).message });
      });
    };

    const publisher = new SecondPublisher(timers, Math.floor(t0 / 1000), publishSecond);
    const ticker = timers.every(this.o.tickMs ?? 10, tick);
    const onAbort = () => tick();
    signal?.addEventListener('abort', onAbort);
    await allDone;
    finished = true;
    ticker.cancel();
    signal?.removeEventListener('abort', onAbort);
    // Whatever is still in flight or never sent (abort, grace exceeded) is accounted, never dropped silently.
    const stoppedAt = clock.nowMs();
    for (const lane of lanes) {
      const rest = lane.scheduler.abandon(stoppedAt);
      if (rest) accounting.missed(lane.stream, lanesTotal, rest);
    }
    this.unfinished = inflight.size;
    for (const { lane, batch } of inflight) accounting.failed(lane.stream, lanesTotal, batch, 'unfinished');
    // The current second too: the worker is done, its data for it is final.
    publisher.finish(Math.floor(clock.nowMs() / 1000));
    if (accounting.unpublished > 0) publisher.finish(publisher.nextSecond);
    return accounting.totals();
  }

  /** Batches still in flight when the worker finished (their events are reported as not acknowledged). */
  get unfinishedBatches(): number {
    return this.unfinished;
  }

  get failedPublishes(): number {
    return this.publishFailures;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
  }
}

function currentPhase(plan: RunPlan, t0: number, now: number): number {
  const rel = (now - t0) / 1000;
  let p = 0;
  for (let i = 0; i < plan.phases.length; i++) if (rel >= plan.phases[i]!.offsetS) p = i;
  return p;
}
