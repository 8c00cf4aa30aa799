// Thread side of an ingest worker's lanes (SPEC §6.1): a piscina worker that owns one kafkajs producer and
// runs batch tasks — "produce the events of lane ℓ of stream s with g = firstG + i × lanes" — returning send
// and ack times. Must not schedule, count or aggregate: the worker's own thread does that.

import type { Producer, ProducerRecord } from 'kafkajs';
import { threadId } from 'node:worker_threads';
import { workerData } from 'piscina';
import { systemClock } from '../core/clock.js';
import { Logger } from '../core/logger.js';
import { createKafka, KAFKA_RETRY } from '../kafka/client-factory.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { kafkaErrorChain, kafkaErrorClass, kafkaErrorText } from '../kafka/kafkajs-errors.js';
import { compressionType, harnessProducerConfig, type Acks } from '../kafka/producer-options.js';
import type { FieldDef } from '../scenario/schema.js';
import type { TimestampFormat } from '../scenario/check-fields.js';
import { EventEncoder } from './event-encoder.js';
import { StreamSchedule, type SchedulePhase, type ScheduleStreamPhase } from './schedule.js';
import { SentinelSchedule, sentinelId } from './sentinels.js';

export interface LaneThreadStream {
  name: string;
  topic: string;
  seed: number;
  fields: FieldDef[];
  partitionKey: string | null;
  phases: ScheduleStreamPhase[];
  idField: string | null;
}

export interface LaneThreadInit {
  run: string;
  runId: string;
  role: string; // "ingest-<i>"
  kafka: KafkaSettings;
  acks: Acks;
  compression: string;
  ackTimeoutMs?: number;
  phases: SchedulePhase[];
  streams: LaneThreadStream[];
  /** Freshness sentinel interval in seconds; null: no sentinels. */
  sentinelIntervalS: number | null;
  timestampFormat?: TimestampFormat;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export type LaneTask =
  | { kind: 'warmup' }
  | { kind: 'batch'; t0: number; stream: number; lanes: number; firstG: number; count: number };

export interface SentinelSent {
  n: number;
  g: number;
  scheduledAt: number;
}

export interface LaneBatchResult {
  ok: boolean;
  /** This thread's kafkajs produce retries so far (cumulative; the worker takes differences). */
  retries: number;
  thread: number;
  sentAt: number;
  doneAt: number;
  errorClass?: string;
  error?: string;
  sentinels: SentinelSent[];
}

interface StreamRuntime {
  encoder: EventEncoder;
  topic: string;
  keyField: string | null;
  idField: string | null;
  schedules: Map<number, { schedule: StreamSchedule; sentinels: SentinelSchedule | null }>;
  spec: LaneThreadStream;
}

const init = workerData as LaneThreadInit;
let retries = 0;
const logger = new Logger({ run: init.run, role: `${init.role}/lane`, level: init.logLevel ?? 'warn', json: true });
let producer: Producer | null = null;
let connecting: Promise<Producer> | null = null;
const compression = compressionType(init.compression);
const streams: StreamRuntime[] = init.streams.map((s) => ({
  encoder: new EventEncoder({ fields: s.fields, seed: s.seed, idField: s.idField,
    ...(init.timestampFormat ? { timestampFormat: init.timestampFormat } : {}) }),
  topic: s.topic,
  keyField: s.partitionKey,
  idField: s.idField,
  schedules: new Map(),
  spec: s,
}));

async function connectedProducer(): Promise<Producer> {
  if (producer) return producer;
  connecting ??= (async () => {
    const client = createKafka(init.kafka, { run: init.run, role: init.role, logger });
    // Retries are ours (same policy as KAFKA_RETRY) so that every retry is counted (SPEC §6.3).
    const p = client.producer(harnessProducerConfig({ retry: { retries: 0 } }));
    await client.connectOrFail(p, 'lane producer');
    producer = p;
    return p;
  })();
  try {
    return await connecting;
  } catch (err) {
    connecting = null;
    throw err;
  }
}

function scheduleFor(s: StreamRuntime, t0: number) {
  let entry = s.schedules.get(t0);
  if (!entry) {
    const schedule = new StreamSchedule(t0, init.phases, s.spec.phases);
    entry = { schedule, sentinels: init.sentinelIntervalS !== null && s.idField !== null
      ? new SentinelSchedule(schedule, init.sentinelIntervalS) : null };
    s.schedules.set(t0, entry);
  }
  return entry;
}

/**
 * producer.send with the harness retry policy (KAFKA_RETRY: 5 retries, 100 ms doubling to 2 s, ±20 % jitter),
 * counting each retry. Errors kafkajs marks as not retriable fail at once.
 */
async function sendWithRetries(p: Producer, record: ProducerRecord): Promise<void> {
  let wait: number = KAFKA_RETRY.initialRetryTime;
  for (let attempt = 0; ; attempt++) {
    try {
      await p.send(record);
      return;
    } catch (err) {
      // kafkajs wraps the cause in a non-retriable "retries exceeded" error (its own retries are 0): judge the cause.
      const cause = kafkaErrorChain(err).at(-1) as { retriable?: boolean } | undefined;
      if (attempt >= KAFKA_RETRY.retries || cause?.retriable === false) throw err;
      retries++;
      await new Promise((r) => setTimeout(r, wait * (0.8 + 0.4 * Math.random())));
      wait = Math.min(wait * 2, KAFKA_RETRY.maxRetryTime);
    }
  }
}

export default async function runLaneTask(task: LaneTask): Promise<LaneBatchResult | null> {
  if (task.kind === 'warmup') {
    await connectedProducer();
    return null;
  }
  const s = streams[task.stream]!;
  const { schedule, sentinels } = scheduleFor(s, task.t0);
  const lane = ((task.firstG % task.lanes) + task.lanes) % task.lanes;
  const lastG = task.firstG + (task.count - 1) * task.lanes;
  const marks = sentinels ? sentinels.inRange(task.firstG, lastG + 1, lane, task.lanes) : [];
  const sent: SentinelSent[] = [];
  const messages: { key: string | null; value: Buffer }[] = new Array(task.count);
  let mark = 0;
  for (let i = 0, g = task.firstG; i < task.count; i++, g += task.lanes) {
    const p = schedule.phaseOf(g);
    const t = schedule.timeIn(p, g);
    let id: string | undefined;
    if (mark < marks.length && marks[mark]!.g === g) {
      id = sentinelId(init.runId, marks[mark]!.n, init.streams.length > 1 ? s.spec.name : null);
      sent.push({ n: marks[mark]!.n, g, scheduledAt: t });
      mark++;
    }
    const profile = init.phases[p]!.profile;
    // encodeBytes returns a view of the encoder's buffer: copy it, kafkajs sends bytes anyway.
    const value = Buffer.from(s.encoder.encodeBytes(g, t, profile, id));
    const key = s.keyField === null ? null : String(s.encoder.lastValue(s.keyField) ?? '');
    messages[i] = { key, value };
  }
  let sentAt = systemClock.nowMs();
  try {
    const p = await connectedProducer();
    sentAt = systemClock.nowMs();
    await sendWithRetries(p, { topic: s.topic, messages, acks: init.acks, compression,
      ...(init.ackTimeoutMs !== undefined ? { timeout: init.ackTimeoutMs } : {}) });
    return { ok: true, retries, thread: threadId, sentAt, doneAt: systemClock.nowMs(), sentinels: sent };
  } catch (err) {
    return { ok: false, retries, thread: threadId, sentAt, doneAt: systemClock.nowMs(), errorClass: kafkaErrorClass(err),
      error: kafkaErrorText(err), sentinels: [] };
  }
}
