// Query counters and the merged latency histogram over a set of due seconds (SPEC §11: percentiles of a phase come
// from the merged histogram of all its seconds, never from averaged percentiles). Must not pick the seconds.

import { Hist } from '../metrics/hist.js';
import type { RunAggregator } from './run-aggregator.js';
import type { QueryCountsSecond } from './second-bucket.js';

export interface QueryStats extends QueryCountsSecond {
  due: number;
  /** ok latencies, µs. */
  latency: Hist;
  errorClasses: Map<string, number>;
}

/** Merges the seconds' query data, all groups or one group. */
export function queryStats(agg: RunAggregator, seconds: Iterable<number>, group?: string): QueryStats {
  const out: QueryStats = { due: 0, started: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0, latency: new Hist(), errorClasses: new Map() };
  for (const s of seconds) {
    const q = agg.bucket(s)?.query;
    if (!q) continue;
    const src = group === undefined ? q : q.byGroup.get(group);
    if (!src) continue;
    out.due += src.due;
    out.started += src.started;
    out.ok += src.ok;
    out.errors += src.errors;
    out.timeouts += src.timeouts;
    out.dropped += src.dropped;
    // A bucket of a one-group run keeps no per-group latency: the second's latency is the group's.
    (group === undefined || agg.bucket(s)!.groupLatency ? src.latency : q.latency).addTo(out.latency);
    if (group === undefined) for (const [k, v] of q.errorClasses) out.errorClasses.set(k, (out.errorClasses.get(k) ?? 0) + v);
  }
  return out;
}

/** (errors + timeouts + dropped) / (started + dropped); null when nothing started or dropped (SPEC §11). */
export function errorRate(s: { started: number; errors: number; timeouts: number; dropped: number }): number | null {
  const d = s.started + s.dropped;
  return d === 0 ? null : (s.errors + s.timeouts + s.dropped) / d;
}

/** Percentile in ms of a histogram, null when empty. */
export function pMs(h: Hist, p: number): number | null {
  return h.percentileMs(p);
}

/** a / b, null when either is null or b is 0. */
export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

export interface IngestStats {
  due: number;
  acked: number;
  failed: number;
  missed: number;
  errorClasses: Map<string, number>;
  byStream: Map<string, { due: number; acked: number; failed: number; missed: number }>;
}

export function ingestStats(agg: RunAggregator, seconds: Iterable<number>): IngestStats {
  const out: IngestStats = { due: 0, acked: 0, failed: 0, missed: 0, errorClasses: new Map(), byStream: new Map() };
  for (const s of seconds) {
    const i = agg.bucket(s)?.ingest;
    if (!i) continue;
    out.due += i.due;
    out.acked += i.acked;
    out.failed += i.failed;
    out.missed += i.missed;
    for (const [k, v] of i.errorClasses) out.errorClasses.set(k, (out.errorClasses.get(k) ?? 0) + v);
    for (const [k, v] of i.byStream) {
      const x = out.byStream.get(k) ?? { due: 0, acked: 0, failed: 0, missed: 0 };
      x.due += v.due;
      x.acked += v.acked;
      x.failed += v.failed;
      x.missed += v.missed;
      out.byStream.set(k, x);
    }
  }
  return out;
}
