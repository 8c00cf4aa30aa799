// Reads a run's raw records back from Kafka (SPEC §10.2, §13.1, §17 "report regeneration from the metrics topic"):
// the plan from the control topic and every record of the metrics topic up to its current end. Must not write to
// Kafka or commit offsets.

import { KafkaError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Timers } from '../core/timers.js';
import { createKafka } from '../kafka/client-factory.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { JsonConsumer, type JsonMessage } from '../kafka/json-consumer.js';
import { planFromControlTopic } from '../control/plan-source.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { parseRecord, type RawRecord } from '../stream-agg/records.js';

export interface KafkaRun {
  plan: RunPlan;
  records: RawRecord[];
  /** Messages that were not readable records (with the first reason). */
  malformed: { count: number; first: string | null };
}

/** Every message of `topic` up to its end offsets at call time, in (timestamp, partition, offset) order. */
export async function readTopicToEnd(settings: KafkaSettings, run: string, topic: string, logger: Logger,
  timers: Timers, timeoutMs: number): Promise<JsonMessage[]> {
  const client = createKafka(settings, { run, role: 'report', logger });
  const admin = await client.connectedAdmin();
  let ends: Map<number, { low: number; high: number }>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  } catch (err) {
    throw new KafkaError(`cannot read the offsets of ${topic}: ${(err as Error).message}`, { cause: err });
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([, e]) => e.high > e.low).map(([p]) => p));
  const out: JsonMessage[] = [];
  if (pending.size === 0) return out;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => { done = resolve; });
  const consumer = new JsonConsumer(client, [topic], (m) => {
    const e = ends.get(m.partition);
    if (!e || m.offset >= e.high) return;
    out.push(m);
    if (m.offset >= e.high - 1) {
      pending.delete(m.partition);
      if (pending.size === 0) done();
    }
  });
  try {
    await consumer.start();
    let timer: { cancel(): void } | undefined;
    const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((resolve) => {
      timer = timers.after(timeoutMs, () => resolve(true));
    })]);
    timer?.cancel();
    if (timedOut) {
      throw new KafkaError(`reading ${topic} did not reach its end within ${Math.round(timeoutMs / 1000)} s `
        + `(${out.length} messages read; partitions ${[...pending].join(', ')} incomplete)`);
    }
  } finally {
    await consumer.stop().catch(() => undefined);
  }
  return out.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset);
}

/** The run's plan (control topic) and raw records (metrics topic: worker snapshots and the coordinator's records). */
export async function readRunFromKafka(settings: KafkaSettings, run: string, logger: Logger, timers: Timers,
  timeoutS = 60): Promise<KafkaRun> {
  const { plan } = await planFromControlTopic(run, settings, timers, logger, timeoutS);
  const messages = await readTopicToEnd(settings, run, plan.kafka.topics.metrics, logger, timers, timeoutS * 1000);
  const records: RawRecord[] = [];
  const malformed = { count: 0, first: null as string | null };
  for (const m of messages) {
    const v = m.value as Record<string, unknown> | null;
    // Worker snapshots travel as published (no `kind`); the coordinator's records carry one.
    const value = v !== null && typeof v === 'object' && !Array.isArray(v) && v.kind === undefined ? { kind: 'worker', ...v } : v;
    const r = parseRecord(value);
    if (!r.ok) {
      malformed.count++;
      malformed.first ??= `${m.topic}[${m.partition}]@${m.offset}: ${r.reason}`;
    } else if (r.record) records.push(r.record);
  }
  return { plan, records, malformed };
}
