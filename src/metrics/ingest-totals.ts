// Ingest counters of one due second in decoded form (Hist objects), exact merge, and conversion to/from the
// wire IngestBlock (SPEC §10.1, §10.2). Must not decide which seconds or workers are merged (the aggregator does).

import { Hist } from './hist.js';
import { addCounts, mapToRecord } from './keyed-counts.js';
import type { IngestBlock, SentinelAck, StreamCounters } from './worker-snapshot.js';

export interface IngestTotals {
  due: number;
  produced: number;
  acked: number;
  failed: number;
  missed: number;
  /** kafkajs produce retries (ext). */
  retries: number;
  /** Sum of the merged blocks' targets (a worker's late blocks carry 0). */
  targetEps: number;
  /** Maximum of the merged blocks. */
  scheduleLagMs: number;
  produceDelay: Hist;
  ackLatency: Hist;
  errorClasses: Map<string, number>;
  byStream: Map<string, StreamCounters>;
  sentinels: SentinelAck[];
}

export function emptyIngestTotals(): IngestTotals {
  return {
    due: 0, produced: 0, acked: 0, failed: 0, missed: 0, retries: 0, targetEps: 0, scheduleLagMs: 0,
    produceDelay: new Hist(), ackLatency: new Hist(),
    errorClasses: new Map(), byStream: new Map(), sentinels: [],
  };
}

function addStream(into: Map<string, StreamCounters>, name: string, s: StreamCounters): void {
  const t = into.get(name);
  if (t) {
    t.due += s.due;
    t.acked += s.acked;
    t.failed += s.failed;
    t.missed += s.missed;
  } else {
    into.set(name, { due: s.due, acked: s.acked, failed: s.failed, missed: s.missed });
  }
}

function addScalars(into: IngestTotals, b: IngestBlock | IngestTotals): void {
  into.due += b.due;
  into.produced += b.produced;
  into.acked += b.acked;
  into.failed += b.failed;
  into.missed += b.missed;
  into.retries += b.retries ?? 0;
  into.targetEps += b.targetEps;
  into.scheduleLagMs = Math.max(into.scheduleLagMs, b.scheduleLagMs);
  addCounts(into.errorClasses, b.errorClasses);
  for (const s of b.sentinels ?? []) into.sentinels.push({ ...s });
}

/** Adds a wire block into `into` (decodes its histograms). Throws RunError for a corrupt histogram. */
export function addIngestBlock(into: IngestTotals, block: IngestBlock): void {
  addScalars(into, block);
  into.produceDelay.addEncoded(block.produceDelay);
  into.ackLatency.addEncoded(block.ackLatency);
  for (const [name, s] of Object.entries(block.byStream ?? {})) addStream(into.byStream, name, s);
}

/** Adds decoded totals into `into`; `other` is unchanged. */
export function addIngestTotals(into: IngestTotals, other: IngestTotals): void {
  addScalars(into, other);
  into.produceDelay.add(other.produceDelay);
  into.ackLatency.add(other.ackLatency);
  for (const [name, s] of other.byStream) addStream(into.byStream, name, s);
}

export function ingestBlockToTotals(block: IngestBlock): IngestTotals {
  const t = emptyIngestTotals();
  addIngestBlock(t, block);
  return t;
}

/** The wire form; `byStream` and `sentinels` are omitted when empty. */
export function ingestTotalsToBlock(t: IngestTotals): IngestBlock {
  const block: IngestBlock = {
    due: t.due, produced: t.produced, acked: t.acked, failed: t.failed, missed: t.missed, targetEps: t.targetEps,
    produceDelay: t.produceDelay.encode(), ackLatency: t.ackLatency.encode(), scheduleLagMs: t.scheduleLagMs,
    errorClasses: mapToRecord(t.errorClasses),
  };
  if (t.byStream.size > 0) {
    block.byStream = mapToRecord(new Map([...t.byStream].map(([k, s]) => [k, { ...s }])));
  }
  if (t.retries > 0) block.retries = t.retries;
  if (t.sentinels.length > 0) block.sentinels = t.sentinels.map((s) => ({ ...s }));
  return block;
}

/** Empties `t` for reuse without freeing its histograms (see clearQueryTotals). */
export function clearIngestTotals(t: IngestTotals): void {
  t.due = t.produced = t.acked = t.failed = t.missed = t.retries = t.targetEps = t.scheduleLagMs = 0;
  t.produceDelay.reset();
  t.ackLatency.reset();
  t.errorClasses.clear();
  t.byStream.clear();
  t.sentinels = [];
}

/** Exact merge of two wire blocks: counters and targets add, histograms add, schedule lag keeps the maximum. */
export function mergeIngestBlocks(a: IngestBlock, b: IngestBlock): IngestBlock {
  const t = ingestBlockToTotals(a);
  addIngestBlock(t, b);
  return ingestTotalsToBlock(t);
}
