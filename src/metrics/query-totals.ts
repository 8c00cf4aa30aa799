// Query counters of one due second in decoded form (Hist objects), exact merge, and conversion to/from the
// wire QueryBlock (SPEC §10.1, §10.2). Must not decide which seconds or workers are merged (the aggregator does).

import { Hist } from './hist.js';
import { addCounts, mapToRecord } from './keyed-counts.js';
import type { CategoryCounters, QueryBlock, QueryCounters } from './worker-snapshot.js';

export interface QueryNameTotals {
  started: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  withHits: number;
  latency: Hist;
}

export interface CategoryTotals {
  ok: number;
  errors: number;
  latency: Hist;
}

export interface QueryTotals {
  due: number;
  started: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  /** Sum of the merged blocks' targets (a worker's late blocks carry 0). */
  targetQps: number;
  latency: Hist;
  /** Empty when no block had one. */
  errorLatency: Hist;
  serviceTime: Hist;
  timerLateness: Hist;
  /** Empty when no block had one. */
  page: Hist;
  byQuery: Map<string, QueryNameTotals>;
  byCategory: Map<string, CategoryTotals>;
  errorClasses: Map<string, number>;
}

export function emptyQueryTotals(): QueryTotals {
  return {
    due: 0, started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, targetQps: 0,
    latency: new Hist(), errorLatency: new Hist(), serviceTime: new Hist(), timerLateness: new Hist(), page: new Hist(),
    byQuery: new Map(), byCategory: new Map(), errorClasses: new Map(),
  };
}

function addScalars(into: QueryTotals, b: QueryBlock | QueryTotals): void {
  into.due += b.due;
  into.started += b.started;
  into.ok += b.ok;
  into.errors += b.errors;
  into.timeouts += b.timeouts;
  into.dropped += b.dropped;
  into.targetQps += b.targetQps;
  addCounts(into.errorClasses, b.errorClasses);
}

function queryEntry(into: Map<string, QueryNameTotals>, name: string): QueryNameTotals {
  let t = into.get(name);
  if (!t) {
    t = { started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, withHits: 0, latency: new Hist() };
    into.set(name, t);
  }
  return t;
}

function categoryEntry(into: Map<string, CategoryTotals>, name: string): CategoryTotals {
  let t = into.get(name);
  if (!t) {
    t = { ok: 0, errors: 0, latency: new Hist() };
    into.set(name, t);
  }
  return t;
}

function addQueryCounts(t: QueryNameTotals, q: QueryCounters | QueryNameTotals): void {
  t.started += q.started;
  t.ok += q.ok;
  t.errors += q.errors;
  t.timeouts += q.timeouts;
  t.dropped += q.dropped;
  t.withHits += q.withHits;
}

/** Adds a wire block into `into` (decodes its histograms). Throws RunError for a corrupt histogram. */
export function addQueryBlock(into: QueryTotals, block: QueryBlock): void {
  addScalars(into, block);
  into.latency.addEncoded(block.latency);
  if (block.errorLatency !== undefined) into.errorLatency.addEncoded(block.errorLatency);
  into.serviceTime.addEncoded(block.serviceTime);
  into.timerLateness.addEncoded(block.timerLateness);
  if (block.page !== undefined) into.page.addEncoded(block.page);
  for (const [name, q] of Object.entries(block.byQuery)) {
    const t = queryEntry(into.byQuery, name);
    addQueryCounts(t, q);
    t.latency.addEncoded(q.latency);
  }
  for (const [name, c] of Object.entries(block.byCategory ?? {})) {
    const t = categoryEntry(into.byCategory, name);
    t.ok += c.ok;
    t.errors += c.errors;
    t.latency.addEncoded(c.latency);
  }
}

/** Adds decoded totals into `into`; `other` is unchanged. */
export function addQueryTotals(into: QueryTotals, other: QueryTotals): void {
  addScalars(into, other);
  into.latency.add(other.latency);
  into.errorLatency.add(other.errorLatency);
  into.serviceTime.add(other.serviceTime);
  into.timerLateness.add(other.timerLateness);
  into.page.add(other.page);
  for (const [name, q] of other.byQuery) {
    const t = queryEntry(into.byQuery, name);
    addQueryCounts(t, q);
    t.latency.add(q.latency);
  }
  for (const [name, c] of other.byCategory) {
    const t = categoryEntry(into.byCategory, name);
    t.ok += c.ok;
    t.errors += c.errors;
    t.latency.add(c.latency);
  }
}

export function queryBlockToTotals(block: QueryBlock): QueryTotals {
  const t = emptyQueryTotals();
  addQueryBlock(t, block);
  return t;
}

/** The wire form; `errorLatency` and `page` are omitted when empty, `byCategory` when it has no entry. */
export function queryTotalsToBlock(t: QueryTotals): QueryBlock {
  const byQuery = new Map<string, QueryCounters>();
  for (const [name, q] of t.byQuery) {
    if (q.started + q.ok + q.errors + q.timeouts + q.dropped === 0) continue; // a reused, untouched entry
    byQuery.set(name, {
      started: q.started, ok: q.ok, errors: q.errors, timeouts: q.timeouts, dropped: q.dropped, withHits: q.withHits,
      latency: q.latency.encode(),
    });
  }
  const block: QueryBlock = {
    due: t.due, started: t.started, ok: t.ok, errors: t.errors, timeouts: t.timeouts, dropped: t.dropped,
    targetQps: t.targetQps, latency: t.latency.encode(), serviceTime: t.serviceTime.encode(),
    timerLateness: t.timerLateness.encode(), byQuery: mapToRecord(byQuery), errorClasses: mapToRecord(t.errorClasses),
  };
  if (!t.errorLatency.isEmpty) block.errorLatency = t.errorLatency.encode();
  if (!t.page.isEmpty) block.page = t.page.encode();
  if (t.byCategory.size > 0) {
    const byCategory = new Map<string, CategoryCounters>();
    for (const [name, c] of t.byCategory) {
      if (c.ok + c.errors > 0) byCategory.set(name, { ok: c.ok, errors: c.errors, latency: c.latency.encode() });
    }
    if (byCategory.size > 0) block.byCategory = mapToRecord(byCategory);
  }
  return block;
}

/**
 * Empties `t` for reuse without freeing its histograms (allocating hdr histograms every second is what costs:
 * ~94 KB each). Per-query and per-category entries stay, zeroed; the wire form leaves zeroed entries out.
 */
export function clearQueryTotals(t: QueryTotals): void {
  t.due = t.started = t.ok = t.errors = t.timeouts = t.dropped = t.targetQps = 0;
  for (const h of [t.latency, t.errorLatency, t.serviceTime, t.timerLateness, t.page]) h.reset();
  for (const q of t.byQuery.values()) {
    q.started = q.ok = q.errors = q.timeouts = q.dropped = q.withHits = 0;
    q.latency.reset();
  }
  for (const c of t.byCategory.values()) {
    c.ok = c.errors = 0;
    c.latency.reset();
  }
  t.errorClasses.clear();
}

/** Exact merge of two wire blocks: counters and targets add, histograms add, per-query/category maps union. */
export function mergeQueryBlocks(a: QueryBlock, b: QueryBlock): QueryBlock {
  const t = queryBlockToTotals(a);
  addQueryBlock(t, b);
  return queryTotalsToBlock(t);
}
