// `incidentbench load` without the CLI (SPEC §14 `load`): prepares topics and target like `prepare`, produces each
// stream's events g = 0 … n − 1 (the same bytes `generate` prints for the load's t0) through Kafka as fast as it
// takes them, then waits until the target's consumer lag is 0. Must not write to the target directly, nor parse flags.

import type { Producer } from 'kafkajs';
import type { PrepareResult, TargetAdapter } from '../adapters/types.js';
import { streamContexts } from '../adapters/stream-contexts.js';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Timers } from '../core/timers.js';
import { EventEncoder } from '../generators/event-encoder.js';
import { StreamSchedule } from '../generators/schedule.js';
import { createKafka } from '../kafka/client-factory.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { kafkaErrorText } from '../kafka/kafkajs-errors.js';
import { ConsumerLagReader } from '../kafka/offsets.js';
import { compressionType, harnessProducerConfig } from '../kafka/producer-options.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { LagPoller } from '../stream-agg/lag-poller.js';
import { lagSourceFor } from '../stream-agg/lag-source.js';
import { readStartOffsets } from '../stream-agg/start-offsets.js';
import { loadCounts, loadT0, type LoadAmount } from './load-amount.js';
import { prepareRun } from './target-session.js';

/** Events per produce request (larger than a run's batches: load has no schedule to keep, only throughput). */
export const LOAD_BATCH_EVENTS = 2000;

export type LoadProgress =
  | { stage: 'producing'; produced: number; acked: number; total: number; elapsedMs: number; eps: number }
  | { stage: 'waiting'; lag: number; elapsedMs: number };

export interface LoadRunOptions {
  plan: RunPlan;
  adapter: TargetAdapter;
  kafka: KafkaSettings;
  amount: LoadAmount;
  timers: Timers;
  logger: Logger;
  /** About once a second while producing, then once per lag reading. */
  onProgress?: (p: LoadProgress) => void;
  /** Aborting stops producing (batches in flight finish) and skips the wait for lag 0. */
  signal?: AbortSignal;
}

export interface StreamLoadResult {
  stream: string;
  topic: string;
  /** Events handed to Kafka / acknowledged by it. */
  produced: number;
  acked: number;
  /** The lag left at the last reading (null: never read). */
  lag: number | null;
}

export interface LoadRunResult {
  run: string;
  /** Unix ms the events are timed from (`generate --t0 <t0> --count N` prints the same events). */
  t0: number;
  streams: StreamLoadResult[];
  produced: number;
  acked: number;
  /** Σ lag at the last reading (null: never read). */
  lag: number | null;
  produceMs: number;
  totalMs: number;
  /** acked / produce seconds. */
  eps: number;
  /** Every stream read lag 0 before the drain timeout. */
  consumed: boolean;
  interrupted: boolean;
  /** Why producing stopped early (a Kafka failure), else null. */
  failure: string | null;
  prepared: PrepareResult;
  warnings: string[];
}

/** prepare → produce → wait for lag 0. Kafka and target failures before producing throw; later ones are in the result. */
export async function loadRun(o: LoadRunOptions): Promise<LoadRunResult> {
  const { plan, adapter, timers, logger } = o;
  if (plan.streams.length === 0) {
    throw new UsageError(`scenario ${JSON.stringify(plan.scenario.name)} is query-only: it has no data streams to load; `
      + 'load a scenario with streams instead (its table is named by its schema.index_name or the target config\'s "table")');
  }
  const loads = loadCounts(plan, o.amount);
  const clock = timers.clock;
  const started = clock.nowMs();
  const { prepared, topicWarnings } = await prepareRun(plan, adapter, o.kafka, logger);
  const warnings = [...topicWarnings, ...(prepared.warnings ?? [])];

  const client = createKafka(o.kafka, { run: plan.run.name, role: 'load', logger });
  const admin = await client.connectedAdmin();
  const reader = new ConsumerLagReader(admin);
  const topics = Object.fromEntries(plan.streams.map((s) => [s.name, s.topic]));
  let producer: Producer | null = null;
  try {
    const startOffsets = await readStartOffsets(reader, topics);
    producer = client.producer(harnessProducerConfig());
    await client.connectOrFail(producer, 'load producer');
    const t0 = loadT0(plan, loads, clock.nowMs());
    const results: StreamLoadResult[] = plan.streams.map((s) => ({ stream: s.name, topic: s.topic, produced: 0, acked: 0, lag: null }));
    const total = loads.reduce((n, l) => n + l.count, 0);
    const sum = (k: 'produced' | 'acked') => results.reduce((n, r) => n + r[k], 0);
    const produceStart = clock.nowMs();
    const ticker = timers.every(1000, () => {
      const elapsedMs = clock.nowMs() - produceStart;
      const acked = sum('acked');
      o.onProgress?.({ stage: 'producing', produced: sum('produced'), acked, total, elapsedMs, eps: elapsedMs > 0 ? acked / (elapsedMs / 1000) : 0 });
    });
    let failure: string | null = null;
    try {
      failure = await produceAll(o, producer, loads, t0, prepared, results);
    } finally {
      ticker.cancel();
    }
    const produceMs = Math.round(clock.nowMs() - produceStart);
    const acked = sum('acked');
    const interrupted = o.signal?.aborted === true;
    o.onProgress?.({ stage: 'producing', produced: sum('produced'), acked, total, elapsedMs: produceMs, eps: produceMs > 0 ? acked / (produceMs / 1000) : 0 });

    let consumed = false;
    if (!interrupted && failure === null) {
      consumed = await waitConsumed(o, reader, prepared, topics, startOffsets, results, clock.nowMs() - started);
    }
    const lags = results.map((r) => r.lag);
    return {
      run: plan.run.name, t0, streams: results, produced: sum('produced'), acked,
      lag: lags.every((l) => l === null) ? null : lags.reduce<number>((n, l) => n + (l ?? 0), 0),
      produceMs, totalMs: Math.round(clock.nowMs() - started), eps: produceMs > 0 ? Math.round(acked / (produceMs / 1000)) : 0,
      consumed, interrupted: o.signal?.aborted === true, failure, prepared, warnings,
    };
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * One producer, streams one after another, batches of LOAD_BATCH_EVENTS with at most `maxInflightBatches` requests
 * outstanding. Events have no sentinel ids (nothing probes them), so they equal `generate`'s. Returns the first
 * Kafka failure (after kafkajs' retries) as text, which stops producing, or null.
 */
async function produceAll(o: LoadRunOptions, producer: Producer, loads: readonly { count: number }[], t0: number,
  prepared: PrepareResult, results: StreamLoadResult[]): Promise<string | null> {
  const { plan } = o;
  const acks = plan.kafka.acks;
  const compression = compressionType(plan.kafka.compression);
  const maxInflight = Math.max(1, plan.harness.maxInflightBatches);
  const timestampFormat = prepared.eventEncoding?.timestampFormat;
  let failure: string | null = null;
  for (let si = 0; si < plan.streams.length && failure === null; si++) {
    const s = plan.streams[si]!;
    const resolved = plan.scenario.streams[si]!;
    const encoder = new EventEncoder({ fields: resolved.fields, seed: s.seed, ...(timestampFormat ? { timestampFormat } : {}) });
    const schedule = new StreamSchedule(t0, plan.phases, s.phases);
    const keyField = resolved.partitionKey;
    const result = results[si]!;
    const inflight = new Set<Promise<void>>();
    const count = loads[si]!.count;
    for (let g = 0; g < count && failure === null && !o.signal?.aborted;) {
      const n = Math.min(LOAD_BATCH_EVENTS, count - g);
      const messages: { key: string | null; value: Buffer }[] = new Array(n);
      for (let i = 0; i < n; i++, g++) {
        const p = schedule.phaseOf(g);
        const value = Buffer.from(encoder.encodeBytes(g, schedule.timeIn(p, g), plan.phases[p]!.profile));
        messages[i] = { key: keyField === null ? null : String(encoder.lastValue(keyField) ?? ''), value };
      }
      result.produced += n;
      const send: Promise<void> = producer.send({ topic: s.topic, messages, acks, compression }).then(
        () => { result.acked += n; },
        (err: unknown) => { failure ??= `producing to ${s.topic} failed: ${kafkaErrorText(err)}`; },
      ).finally(() => inflight.delete(send));
      inflight.add(send);
      if (inflight.size >= maxInflight) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  }
  if (failure !== null) o.logger.warn('load stopped producing', { failure });
  return failure;
}

/** Polls every stream's lag once a second until all read 0 once (end offsets no longer move), or the drain timeout. */
async function waitConsumed(o: LoadRunOptions, reader: ConsumerLagReader, prepared: PrepareResult,
  topics: Record<string, string>, startOffsets: Awaited<ReturnType<typeof readStartOffsets>>, results: StreamLoadResult[],
  elapsedBefore: number): Promise<boolean> {
  const { plan, adapter, timers } = o;
  const started = timers.clock.nowMs();
  const ctx = { run: plan.run.name, runId: plan.run.id, streams: streamContexts(plan), logger: o.logger };
  const source = lagSourceFor({ reader, adapter, ctx, prepared, topics, startOffsets });
  const byStream = new Map(results.map((r) => [r.stream, r]));
  let lastFailure = '';
  const poller = new LagPoller({
    source, streams: plan.streams.map((s) => s.name), timers,
    onRecord: (rec) => {
      const r = byStream.get(rec.stream ?? plan.streams[0]!.name);
      if (r) r.lag = rec.lag;
      o.onProgress?.({ stage: 'waiting', lag: results.reduce((n, x) => n + (x.lag ?? 0), 0),
        elapsedMs: elapsedBefore + timers.clock.nowMs() - started });
    },
    onError: (f) => {
      if (f.message !== lastFailure) o.logger.warn('lag reading failed', { stream: f.stream, error: f.message });
      lastFailure = f.message;
    },
  });
  const abort = new Promise<{ drained: boolean }>((resolve) => {
    if (o.signal?.aborted) resolve({ drained: false });
    o.signal?.addEventListener('abort', () => resolve({ drained: false }), { once: true });
  });
  poller.start();
  try {
    const r = await Promise.race([poller.waitDrained({ timeoutMs: plan.harness.drainTimeoutS * 1000, consecutiveZero: 1 }), abort]);
    return r.drained;
  } finally {
    await poller.stop();
  }
}

/** The one-line reason a finished load did not succeed, or null when everything was consumed. */
export function loadFailure(r: LoadRunResult, drainTimeoutS: number): string | null {
  if (r.interrupted) return null;
  if (r.failure !== null) return `${r.failure} (${r.acked} of ${r.produced} events acknowledged)`;
  if (!r.consumed) {
    const left = r.streams.filter((s) => s.lag !== 0).map((s) => `${s.topic}: ${s.lag === null ? 'never read' : `lag ${s.lag}`}`);
    return `the target did not consume the loaded events within the drain timeout (${drainTimeoutS} s): ${left.join(', ')}; `
      + 'expected lag 0 (raise --drain-timeout, or check that the target consumes the topic)';
  }
  return null;
}
