// The raw records of a run (SPEC §13.1): worker snapshots, lag readings, freshness results and received control
// messages — one JSON object per line of snapshots.jsonl, the same records the coordinator publishes on the metrics
// topic under key `coordinator`. Types, a line parser and a serialiser; must not aggregate.

import { parseWorkerSnapshot } from '../metrics/parse-worker-snapshot.js';
import type { WorkerSnapshot } from '../metrics/worker-snapshot.js';
import { parseControlMessage, type ControlMessage } from '../control/protocol.js';

export type WorkerRecord = { kind: 'worker' } & WorkerSnapshot;

/** One consumer-lag reading of one stream, on the coordinator's clock. */
export interface LagRecord {
  kind: 'lag';
  /** Unix s of the reading (coordinator's clock). */
  second: number;
  /** (ext) unix ms of the reading; consumed EPS uses it for Δt when present. */
  at?: number;
  /** Absent when the run has one stream. */
  stream?: string;
  /** Σ partitions (end − max(committed, start)): authoritative. */
  lag: number;
  /** Σ end offsets (informational). */
  endOffsets?: number;
  /** Σ max(committed, start) (informational; consumed EPS = Δ committed / Δt). */
  committed?: number;
}

/** One sentinel's freshness result (SPEC §8.6); `foundAt` null = censored (not searchable within 60 s). */
export interface FreshnessRecord {
  kind: 'freshness';
  stream?: string;
  n: number;
  /** Worker clock, unix ms. */
  scheduledAt: number;
  /** Worker clock, unix ms: when Kafka acknowledged the sentinel. */
  ackedAt: number;
  /** Coordinator clock, unix ms: send time of the first probe that found it; null = censored. */
  foundAt: number | null;
  /** (ext) the worker that produced it, so its clock offset can be applied. */
  worker?: string;
}

export type ControlRecord = { kind: 'control'; receivedAt: number } & ControlMessage;

/**
 * (ext) The coordinator declared a worker lost (silent for 10 s during the run, SPEC §9). Recorded so a report rebuilt
 * from the records reaches the same watermark and the same worker-completeness verdict as the live run.
 */
export interface LostRecord {
  kind: 'lost';
  worker: string;
  /** Coordinator clock, unix ms. */
  at: number;
}

export type RawRecord = WorkerRecord | LagRecord | FreshnessRecord | ControlRecord | LostRecord;

export type RecordParseResult = { ok: true; record: RawRecord } | { ok: true; record: null } | { ok: false; reason: string };

/**
 * Reads one decoded record. Unknown kinds are skipped (`record: null`, SPEC §13.1: readers ignore what they do
 * not know); malformed known kinds are errors with a one-line reason.
 */
export function parseRecord(value: unknown): RecordParseResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const o = value as Record<string, unknown>;
  switch (o.kind) {
    case 'worker': {
      const r = parseWorkerSnapshot(o);
      return r.ok ? { ok: true, record: { kind: 'worker', ...r.snapshot } } : { ok: false, reason: `worker snapshot: ${r.reason}` };
    }
    case 'lag': {
      if (!isCount(o.second)) return { ok: false, reason: 'lag: "second" must be a unix second' };
      if (!isCount(o.lag)) return { ok: false, reason: 'lag: "lag" must be a non-negative integer' };
      if (o.stream !== undefined && typeof o.stream !== 'string') return { ok: false, reason: 'lag: "stream" must be a string' };
      for (const k of ['at', 'endOffsets', 'committed'] as const) {
        if (o[k] !== undefined && !isNum(o[k])) return { ok: false, reason: `lag: "${k}" must be a number` };
      }
      const rec: LagRecord = { kind: 'lag', second: o.second, lag: o.lag };
      if (typeof o.at === 'number') rec.at = o.at;
      if (typeof o.stream === 'string') rec.stream = o.stream;
      if (typeof o.endOffsets === 'number') rec.endOffsets = o.endOffsets;
      if (typeof o.committed === 'number') rec.committed = o.committed;
      return { ok: true, record: rec };
    }
    case 'freshness': {
      if (!isCount(o.n)) return { ok: false, reason: 'freshness: "n" must be a non-negative integer' };
      if (!isNum(o.scheduledAt) || !isNum(o.ackedAt)) return { ok: false, reason: 'freshness: "scheduledAt" and "ackedAt" must be unix ms' };
      if (o.foundAt !== null && !isNum(o.foundAt)) return { ok: false, reason: 'freshness: "foundAt" must be unix ms or null' };
      if (o.stream !== undefined && typeof o.stream !== 'string') return { ok: false, reason: 'freshness: "stream" must be a string' };
      if (o.worker !== undefined && typeof o.worker !== 'string') return { ok: false, reason: 'freshness: "worker" must be a string' };
      const rec: FreshnessRecord = { kind: 'freshness', n: o.n, scheduledAt: o.scheduledAt, ackedAt: o.ackedAt, foundAt: o.foundAt as number | null };
      if (typeof o.stream === 'string') rec.stream = o.stream;
      if (typeof o.worker === 'string') rec.worker = o.worker;
      return { ok: true, record: rec };
    }
    case 'control': {
      if (!isNum(o.receivedAt)) return { ok: false, reason: 'control: "receivedAt" must be unix ms' };
      const { kind: _kind, receivedAt, ...message } = o;
      const r = parseControlMessage(message);
      return r.ok ? { ok: true, record: { kind: 'control', receivedAt: receivedAt as number, ...r.message } } : { ok: false, reason: `control: ${r.reason}` };
    }
    case 'lost':
      if (typeof o.worker !== 'string' || !isNum(o.at)) return { ok: false, reason: 'lost: "worker" (string) and "at" (unix ms) are required' };
      return { ok: true, record: { kind: 'lost', worker: o.worker, at: o.at } };
    default:
      return typeof o.kind === 'string' ? { ok: true, record: null } : { ok: false, reason: 'missing "kind"' };
  }
}

/** Parses one line of snapshots.jsonl (JSON errors become a reason, never a throw). */
export function parseRecordLine(line: string): RecordParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  return parseRecord(value);
}

/** One line of snapshots.jsonl, without the newline. */
export function recordLine(record: RawRecord): string {
  return JSON.stringify(record);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
