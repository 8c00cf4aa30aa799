// The wire shape of a worker's per-second snapshot on the metrics topic (SPEC §10.1), and its empty blocks.
// Must not decode histograms or merge (ingest-totals.ts / query-totals.ts do) nor validate (parse-worker-snapshot.ts).

import { emptyEncoded } from './hist.js';

/** A Hist encoded by `Hist.encode()` (compressed base64, optional clamp prefix). */
export type EncodedHist = string;

/** Per-stream ingest counters (`ingest.byStream`). */
export interface StreamCounters {
  due: number;
  acked: number;
  failed: number;
  missed: number;
}

/** One sentinel event acknowledged by Kafka (SPEC §5.3, §8.6). Times are unix ms. */
export interface SentinelAck {
  stream?: string;
  n: number;
  scheduledAt: number;
  ackedAt: number;
}

/**
 * Ingest counters of one due second. Counters and `targetEps` add when blocks merge (across workers, and a
 * `late` block into its main block — so a worker reports `due` and `targetEps` once, in the main block, and its
 * late blocks carry 0 there); `scheduleLagMs` keeps the maximum.
 */
export interface IngestBlock {
  due: number;
  produced: number;
  acked: number;
  failed: number;
  missed: number;
  targetEps: number;
  /** ack time − scheduled time, per event, µs. */
  produceDelay: EncodedHist;
  /** ack time − send time, per batch, µs. */
  ackLatency: EncodedHist;
  scheduleLagMs: number;
  errorClasses: Record<string, number>;
  byStream?: Record<string, StreamCounters>;
  sentinels?: SentinelAck[];
  /** (ext) kafkajs produce retries observed in this second (wall second, not due second); absent when 0. */
  retries?: number;
}

/** Per-query-name counters (`query.byQuery`). */
export interface QueryCounters {
  started: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  withHits: number;
  /** ok queries only, µs. */
  latency: EncodedHist;
}

/** Per-category counters (`query.byCategory`). */
export interface CategoryCounters {
  ok: number;
  errors: number;
  latency: EncodedHist;
}

/** Query counters of one due second. Same merge rules as IngestBlock (`targetQps` adds; late blocks carry 0). */
export interface QueryBlock {
  due: number;
  started: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  targetQps: number;
  /** completion − due time of ok queries, µs. */
  latency: EncodedHist;
  /** completion − due time of failed queries, µs. */
  errorLatency?: EncodedHist;
  /** completion − send time, µs. */
  serviceTime: EncodedHist;
  /** actual start − due time, µs. */
  timerLateness: EncodedHist;
  /** session ticks (SPEC §7.5), µs. */
  page?: EncodedHist;
  byQuery: Record<string, QueryCounters>;
  byCategory?: Record<string, CategoryCounters>;
  errorClasses: Record<string, number>;
}

/** Operations of an earlier due second that completed after that second's snapshot was published. */
export interface LateBlock {
  ingest?: IngestBlock;
  query?: QueryBlock;
}

/** Process health of the interval since the previous snapshot (process-sampler.ts). */
export interface ProcBlock {
  /** CPU used, % of `cpuLimitCores` (100 = the whole limit). */
  cpuPct: number;
  cpuLimitCores: number;
  /** Resident set size, MiB. */
  rssMb: number;
  eventLoopDelayP99Ms: number;
}

export type WorkerRole = 'ingest' | 'query';

export interface WorkerSnapshot {
  v: 1;
  run: string;
  runId: string;
  /** "ingest-<index>", "query-<index>" (group default), "query-<group>-<index>". */
  worker: string;
  role: WorkerRole;
  /** Query group; absent means "default". */
  group?: string;
  /** The due second (unix s) this snapshot accounts. */
  second: number;
  phase: string;
  ingest?: IngestBlock;
  query?: QueryBlock;
  /** Keyed by due second (decimal unix s), each earlier than `second`. */
  late?: Record<string, LateBlock>;
  proc: ProcBlock;
  /** Unix ms at which the worker switched phase, in the snapshot of that second. */
  phaseSwitchAt?: number;
}

/** An ingest block with nothing in it (no event due), for the given target. */
export function emptyIngestBlock(targetEps = 0): IngestBlock {
  return {
    due: 0, produced: 0, acked: 0, failed: 0, missed: 0, targetEps,
    produceDelay: emptyEncoded, ackLatency: emptyEncoded, scheduleLagMs: 0, errorClasses: {},
  };
}

/** A query block with nothing in it (no arrival due), for the given target. */
export function emptyQueryBlock(targetQps = 0): QueryBlock {
  return {
    due: 0, started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, targetQps,
    latency: emptyEncoded, serviceTime: emptyEncoded, timerLateness: emptyEncoded, byQuery: {}, errorClasses: {},
  };
}
