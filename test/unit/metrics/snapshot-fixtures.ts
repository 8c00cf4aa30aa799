// Realistic WorkerSnapshot records for the metrics tests (one ingest, one query worker with late data).
// Must not be used outside tests.

import { Hist } from '../../../src/metrics/hist.js';
import type { IngestBlock, QueryBlock, WorkerSnapshot } from '../../../src/metrics/worker-snapshot.js';

export function encodedOf(values: readonly number[]): string {
  const h = new Hist();
  for (const v of values) h.record(v);
  return h.encode();
}

export function ingestBlock(): IngestBlock {
  return {
    due: 5000, produced: 4990, acked: 4980, failed: 10, missed: 10, targetEps: 5000,
    produceDelay: encodedOf([1200, 1500, 2500, 40_000]), ackLatency: encodedOf([900, 1100]), scheduleLagMs: 12,
    errorClasses: { KafkaJSRequestTimeoutError: 10 },
    byStream: { app: { due: 4000, acked: 3990, failed: 5, missed: 5 }, audit: { due: 1000, acked: 990, failed: 5, missed: 5 } },
    sentinels: [{ stream: 'app', n: 3, scheduledAt: 1_700_000_000_250, ackedAt: 1_700_000_000_262 }],
  };
}

export function queryBlock(): QueryBlock {
  return {
    due: 40, started: 40, ok: 35, errors: 2, timeouts: 1, dropped: 0, targetQps: 40,
    latency: encodedOf([20_000, 35_000, 120_000]), errorLatency: encodedOf([5000]), serviceTime: encodedOf([19_000, 30_000]),
    timerLateness: encodedOf([50, 80]), page: encodedOf([250_000]),
    byQuery: {
      'top errors': { started: 20, ok: 18, errors: 1, timeouts: 1, dropped: 0, withHits: 17, latency: encodedOf([20_000]) },
      trace_lookup: { started: 20, ok: 17, errors: 1, timeouts: 0, dropped: 0, withHits: 17, latency: encodedOf([35_000]) },
    },
    byCategory: { search: { ok: 35, errors: 2, latency: encodedOf([20_000, 35_000]) } },
    errorClasses: { http_503: 2 },
  };
}

export function ingestSnapshot(): WorkerSnapshot {
  return {
    v: 1, run: 'sre-outage', runId: 'r-20240101-abc', worker: 'ingest-0', role: 'ingest', second: 1_700_000_000,
    phase: 'baseline', ingest: ingestBlock(),
    proc: { cpuPct: 41.5, cpuLimitCores: 2, rssMb: 182.4, eventLoopDelayP99Ms: 3.1 },
  };
}

export function querySnapshot(): WorkerSnapshot {
  const lateQuery = { ...queryBlock(), due: 0, started: 0, targetQps: 0 };
  return {
    v: 1, run: 'sre-outage', runId: 'r-20240101-abc', worker: 'query-storm-1', role: 'query', group: 'storm',
    second: 1_700_000_010, phase: 'overlap', query: queryBlock(),
    late: { '1700000008': { query: lateQuery }, '1700000009': {} },
    proc: { cpuPct: 12, cpuLimitCores: 1.5, rssMb: 95, eventLoopDelayP99Ms: 1.2 },
    phaseSwitchAt: 1_700_000_010_004,
  };
}
