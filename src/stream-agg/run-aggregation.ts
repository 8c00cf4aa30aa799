// The coordinator's aggregation of a live run (SPEC §10.2–10.3): consumes the metrics topic, merges snapshots with
// the watermark, reads lag every second, probes freshness, declares silent workers lost, writes every raw record to
// snapshots.jsonl (and the coordinator's own to the metrics topic), publishes RunState / LivePoints / the summary on
// the live topic, drains after the timeline and hands back the run's result. Must not drive the control protocol
// (the coordinator in control/ does) nor write report files (report/ does).

import type { Logger } from '../core/logger.js';
import type { Timers, TimerHandle } from '../core/timers.js';
import type { KafkaClient } from '../kafka/client-factory.js';
import { JsonConsumer, type JsonMessage } from '../kafka/json-consumer.js';
import { JsonProducer } from '../kafka/json-producer.js';
import { ConsumerLagReader, type PartitionOffset } from '../kafka/offsets.js';
import type { PrepareResult, TargetAdapter } from '../adapters/types.js';
import { streamContexts } from '../adapters/stream-contexts.js';
import { parseWorkerSnapshot } from '../metrics/parse-worker-snapshot.js';
import type { WorkerSnapshot } from '../metrics/worker-snapshot.js';
import type { ControlMessage } from '../control/protocol.js';
import { WorkerLiveness } from '../control/worker-liveness.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { RunAggregator } from './run-aggregator.js';
import { LiveSignals } from './live-signals.js';
import { LagPoller } from './lag-poller.js';
import { lagSourceFor } from './lag-source.js';
import { FreshnessProber } from './freshness-prober.js';
import { RecordSink, metricsTopicPublisher, COORDINATOR_KEY } from './record-sink.js';
import { LivePublisher, type LiveBody } from './live-publisher.js';
import { buildRunResult } from './run-result.js';
import type { RawRecord } from './records.js';
import type { LiveMessage, RunStage } from './live-types.js';
import type { RunJson } from './run-result-types.js';
import { EXIT } from './verdict-types.js';

export interface RunAggregationOptions {
  plan: RunPlan;
  client: KafkaClient;
  /** The target (lag through consumedOffsets()/its consumer group, freshness probes); null: no lag, no freshness. */
  adapter: TargetAdapter | null;
  prepared: PrepareResult | null;
  /** Stream → end offsets of its events topic recorded at prepare (start-offsets.ts); null: no lag readings. */
  startOffsets: Record<string, PartitionOffset[]> | null;
  /** Where snapshots.jsonl goes. */
  outDir: string;
  timers: Timers;
  logger: Logger;
  version: string;
  /** Called with every live message as it is published (the local run's progress line and TUI). */
  onLive?: (message: LiveMessage) => void;
}

export interface AggregationStats {
  /** Worker snapshots of this run read from the metrics topic. */
  snapshots: number;
  /** Records that could not be read. */
  malformed: number;
  /** Snapshots whose second was closed when they arrived. */
  lateSnapshots: number;
}

export class RunAggregation {
  readonly agg: RunAggregator;
  private readonly signals: LiveSignals;
  private readonly liveness: WorkerLiveness;
  /** Workers that said ready, by id (a repeated `ready` counts once). */
  private readonly readyIds = new Map<string, 'ingest' | 'query'>();
  private readonly expected: { ingest: number; query: number };
  private livenessTimer: TimerHandle | null = null;
  private lagPoller: LagPoller | null = null;
  private prober: FreshnessProber | null = null;
  private consumer: JsonConsumer | null = null;
  /** Highest metrics-topic offset handled per partition. */
  private readonly consumed = new Map<number, number>();
  private stage: RunStage = 'preparing';

  private constructor(private readonly o: RunAggregationOptions, private readonly sink: RecordSink,
    private readonly live: LivePublisher, private readonly producers: JsonProducer<unknown>[]) {
    this.agg = new RunAggregator(o.plan);
    this.signals = new LiveSignals(o.plan, this.agg);
    this.liveness = new WorkerLiveness(this.agg.expected);
    this.expected = { ingest: o.plan.workers.ingest.count, query: o.plan.workers.query.reduce((a, g) => a + g.count, 0) };
  }

  /** Opens snapshots.jsonl and the producers, starts reading the metrics topic from its beginning. */
  static async open(o: RunAggregationOptions): Promise<RunAggregation> {
    const recordsProducer = new JsonProducer<RawRecord>(o.client);
    const liveProducer = new JsonProducer<LiveMessage>(o.client);
    await Promise.all([recordsProducer.connect(), liveProducer.connect()]);
    const sink = await RecordSink.open({
      dir: o.outDir, publish: metricsTopicPublisher(recordsProducer, o.plan.kafka.topics.metrics),
      onError: (f) => o.logger.warn('raw records: write failed', { what: f.what, error: f.message, records: f.records }),
    });
    const live = new LivePublisher({ producer: liveProducer, topic: o.plan.kafka.topics.live, run: o.plan.run.name,
      runId: o.plan.run.id, clock: o.timers.clock, logger: o.logger });
    const a = new RunAggregation(o, sink, live, [recordsProducer as JsonProducer<unknown>]);
    a.consumer = new JsonConsumer(o.client, [o.plan.kafka.topics.metrics], (m) => a.metricsMessage(m));
    await a.consumer.start();
    return a;
  }

  /** Publishes a RunState (every stage change, and when the READY count changes). */
  setStage(stage: RunStage, reason?: string): void {
    this.stage = stage;
    this.publishState(reason);
  }

  /** A control message the coordinator received (recorded with its receive time, SPEC §13.1). */
  control(message: ControlMessage, receivedAt: number): void {
    this.record({ kind: 'control', receivedAt, ...message } as RawRecord);
    if (message.type === 'start') this.startMeasuring();
    if (message.from !== 'coordinator' && message.from !== 'cli') {
      this.liveness.controlMessage(message.from, message.at, receivedAt);
      if (message.type === 'done') this.liveness.finished(message.from);
      if (message.type === 'fail') this.liveness.failed(message.from, message.error);
    }
    if (message.type === 'ready' && !this.readyIds.has(message.from)) {
      this.readyIds.set(message.from, message.role);
      this.publishState();
    }
  }

  /** After the timeline: waits for lag 0 in 3 consecutive readings or the drain timeout (SPEC §10.2). */
  async drain(): Promise<{ drained: boolean }> {
    this.setStage('draining');
    const timeoutMs = this.o.plan.harness.drainTimeoutS * 1000;
    const [lag] = await Promise.all([
      this.lagPoller ? this.lagPoller.waitDrained({ timeoutMs }) : Promise.resolve({ drained: true, readings: 0 }),
      this.prober ? this.prober.finish({ timeoutMs: Math.max(timeoutMs, 60_000) }) : Promise.resolve(),
    ]);
    return { drained: lag.drained };
  }

  /**
   * Waits until every snapshot on the metrics topic up to its current end was handled (or `timeoutMs` passed), stops
   * measuring, closes the remaining seconds and returns the run's result.
   */
  async finish(opts: { failed?: string | null; catchUpMs?: number; generatedAt: string }): Promise<RunJson> {
    this.setStage('reporting');
    await this.catchUp(opts.catchUpMs ?? 10_000);
    this.livenessTimer?.cancel();
    await this.lagPoller?.stop();
    await this.lagAdmin?.disconnect().catch(() => undefined);
    this.prober?.stop();
    await this.consumer?.stop();
    for (const s of this.agg.finish()) this.publishPoint(s);
    await this.sink.close();
    return buildRunResult(this.o.plan, this.agg, { version: this.o.version, generatedAt: opts.generatedAt, failed: opts.failed ?? null });
  }

  /** The final RunSummary (SPEC §10.3) and the last RunState; then closes the producers. */
  async publishSummary(run: RunJson, reportDir: string | null): Promise<void> {
    await this.publishLive({ kind: 'summary', valid: run.run.valid, comparable: run.run.comparable, exitCode: run.run.exit_code,
      scorecard: run.scorecard, violations: run.run.validity_violations, warnings: run.run.warnings, thresholds: run.thresholds,
      rules: run.rules, reportDir });
    this.stage = run.run.exit_code === EXIT.failed ? 'failed' : 'done';
    await this.publishLive(this.stateBody(run.run.exit_code === EXIT.failed ? run.run.validity_violations[0]?.message : undefined));
    await this.live.close();
    await Promise.all(this.producers.map((p) => p.disconnect().catch(() => undefined)));
  }

  stats(): AggregationStats {
    return { snapshots: this.snapshots, malformed: this.agg.counters.malformedRecords, lateSnapshots: this.agg.counters.lateSnapshots };
  }

  private snapshots = 0;
  private lagAdmin: { disconnect(): Promise<void> } | null = null;

  private startMeasuring(): void {
    const { plan, adapter, prepared, startOffsets, timers, logger } = this.o;
    if (this.livenessTimer === null) {
      this.livenessTimer = timers.every(1000, () => {
        for (const id of this.liveness.checkLost(timers.clock.nowMs())) {
          logger.warn('worker lost: silent for 10 s', { worker: id });
          this.record({ kind: 'lost', worker: id, at: Math.floor(timers.clock.nowMs()) });
        }
      });
    }
    if (adapter && plan.streams.length > 0) {
      const ctx = { run: plan.run.name, runId: plan.run.id, streams: streamContexts(plan), logger };
      if (prepared && startOffsets && this.lagPoller === null) {
        const admin = this.o.client.admin();
        const connected = admin.connect();
        connected.catch(() => undefined); // a failed connect fails each reading, which is counted and logged
        this.lagAdmin = admin;
        const reader = new ConsumerLagReader({
          fetchTopicOffsets: async (topic) => { await connected; return admin.fetchTopicOffsets(topic); },
          fetchOffsets: async (o) => { await connected; return admin.fetchOffsets(o); },
        });
        const source = lagSourceFor({ reader, adapter, ctx, prepared,
          topics: Object.fromEntries(plan.streams.map((s) => [s.name, s.topic])), startOffsets });
        this.lagPoller = new LagPoller({ source, streams: plan.streams.map((s) => s.name), timers,
          onRecord: (r) => {
            this.signals.lag(r);
            this.record(r);
          },
          onError: (f) => { if (f.occurrences === 1) logger.warn('lag reading failed', { stream: f.stream, error: f.message }); } });
        this.lagPoller.start();
      }
      if (plan.harness.freshness.enabled && this.prober === null) {
        this.prober = new FreshnessProber({ adapter, ctx, timers,
          onRecord: (r) => {
            this.signals.freshness(r);
            this.record(r);
          },
          onError: (f) => { if (f.occurrences === 1) logger.warn('freshness probe failed', { error: f.message }); } });
        this.prober.start();
      }
    }
    this.setStage('running');
  }

  private metricsMessage(m: JsonMessage): void {
    // A reader that kafkajs restarts (after a Kafka outage) reads the topic again from its beginning: seen already.
    if (m.offset <= (this.consumed.get(m.partition) ?? -1)) return;
    this.consumed.set(m.partition, m.offset);
    if (m.key === COORDINATOR_KEY) return; // our own records (already in snapshots.jsonl)
    const r = parseWorkerSnapshot(m.value);
    if (!r.ok) {
      this.agg.malformed(`${m.topic}[${m.partition}]@${m.offset}: ${r.reason}`);
      return;
    }
    if (r.snapshot.runId !== this.o.plan.run.id) return; // another run sharing the topic name (a re-run): not ours
    this.snapshots++;
    this.liveness.seen(r.snapshot.worker, this.o.timers.clock.nowMs());
    this.sentinels(r.snapshot);
    this.record({ kind: 'worker', ...r.snapshot });
  }

  private sentinels(s: WorkerSnapshot): void {
    if (!this.prober) return;
    const first = this.o.plan.streams[0]?.name ?? '';
    const blocks = [s.ingest, ...Object.values(s.late ?? {}).map((l) => l.ingest)];
    for (const b of blocks) for (const x of b?.sentinels ?? []) this.prober.add({ ...x, worker: s.worker, stream: x.stream ?? first });
  }

  /** Writes a raw record and merges it; publishes the live points of the seconds it closed. */
  private record(r: RawRecord): void {
    this.sink.write(r);
    for (const s of this.agg.add(r)) this.publishPoint(s);
  }

  private publishPoint(second: number): void {
    const body = this.signals.point(second);
    void this.publishLive({ kind: 'point', ...body });
  }

  private publishState(reason?: string): void {
    void this.publishLive(this.stateBody(reason));
  }

  private publishLive(body: LiveBody): Promise<boolean> {
    const sent = this.live.publish(body);
    if (this.o.onLive) {
      const { plan, timers } = this.o;
      try {
        this.o.onLive({ v: 1, run: plan.run.name, runId: plan.run.id, at: Math.floor(timers.clock.nowMs()), ...body } as LiveMessage);
      } catch (err) {
        this.o.logger.warn('live message observer failed', { error: (err as Error).message });
      }
    }
    return sent;
  }

  private stateBody(reason?: string): LiveBody {
    const t0 = this.agg.t0Ms;
    const ready = { ingest: 0, query: 0 };
    for (const role of this.readyIds.values()) ready[role]++;
    return { kind: 'state', stage: this.stage, ready, expected: { ...this.expected },
      ...(reason ? { reason } : {}), ...(t0 !== null ? { t0, durationS: this.o.plan.totals.durationS } : {}) };
  }

  private async catchUp(timeoutMs: number): Promise<void> {
    const admin = this.o.client.admin();
    let ends: { partition: number; high: number }[];
    try {
      await admin.connect();
      ends = (await admin.fetchTopicOffsets(this.o.plan.kafka.topics.metrics)).map((o) => ({ partition: o.partition, high: Number(o.high) }));
    } catch (err) {
      this.o.logger.warn('cannot read the metrics topic end offsets; finishing with what was read', { error: (err as Error).message });
      return;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const deadline = this.o.timers.clock.nowMs() + timeoutMs;
    const behind = () => ends.filter((e) => e.high > 0 && (this.consumed.get(e.partition) ?? -1) < e.high - 1);
    while (behind().length > 0 && this.o.timers.clock.nowMs() < deadline) {
      await new Promise<void>((resolve) => this.o.timers.after(100, resolve));
    }
    const left = behind();
    if (left.length > 0) this.o.logger.warn('metrics topic not read to its end before the report', { partitions: left.map((e) => e.partition) });
  }
}
