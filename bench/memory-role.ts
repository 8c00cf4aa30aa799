// Child process of the `memory` bench (SPEC §18): runs ONE ingest or query worker as a worker pod would, sampling this
// process's memory once a second, driven by bench/memory.ts over the fork IPC channel. Must not keep snapshots.

import { silentLogger } from '../src/core/logger.js';
import { systemTimers } from '../src/core/timers.js';
import type { WorkerTotals } from '../src/control/protocol.js';
import { IngestWorker } from '../src/generators/ingest-worker.js';
import { kafkaSettingsFromEnv } from '../src/kafka/kafka-config.js';
import { ProcessSampler } from '../src/metrics/process-sampler.js';
import type { LateBlock, WorkerSnapshot } from '../src/metrics/worker-snapshot.js';
import { QueryWorker } from '../src/query-runner/query-worker.js';
import type { RunPlan } from '../src/scenario/plan-types.js';
import { httpTestAdapter } from '../test/support/http-test-target.js';

export type MemoryRole = 'ingest' | 'query';

/** Parent → child. */
export type ToRole =
  | { type: 'init'; role: MemoryRole; plan: RunPlan; bootstrap: string | null; kafkaEnv: boolean; endpoint: string | null }
  | { type: 'start'; t0: number }
  | { type: 'exit' };

/** One memory sample, `k` seconds after t0 (k = 0: after warm-up, before the first event). */
export interface MemorySample {
  k: number;
  rss: number;
  /** Of the main thread's isolate only (lane threads have heaps of their own, seen only in `rss`). */
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Taken right after a full collection (global.gc). */
  settled: boolean;
}

/** Child → parent. */
export type FromRole =
  | { type: 'ready' }
  | { type: 'result'; samples: MemorySample[]; totals: WorkerTotals;
      /** Acked events (ingest) or ok queries (query) per due second of the timeline, late entries included. */
      perSecond: number[] }
  | { type: 'error'; message: string };

/** Forced collections every this many seconds (as bench/aggregator.ts): a full gc per second would load the worker. */
export const SETTLE_EVERY_S = 10;

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function send(m: FromRole): void {
  process.send?.(m);
}

function sample(k: number, settle: boolean): MemorySample {
  const settled = settle && gc !== undefined;
  if (settled) gc!();
  const m = process.memoryUsage();
  return { k, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, settled };
}

/** The sink: per due second, one number (acked events or ok queries); the snapshot itself is dropped. */
function countingSink(role: MemoryRole, t0: number, seconds: number) {
  const perSecond = new Float64Array(seconds);
  const first = Math.floor(t0 / 1000);
  const add = (second: number, b: LateBlock) => {
    const i = second - first;
    const n = role === 'ingest' ? (b.ingest?.acked ?? 0) : (b.query?.ok ?? 0);
    if (i >= 0 && i < seconds) perSecond[i] += n;
  };
  return {
    perSecond,
    publish: async (s: WorkerSnapshot) => {
      add(s.second, s);
      for (const [second, late] of Object.entries(s.late ?? {})) add(Number(second), late);
    },
  };
}

/** Samples at t0 + k s for k = 0 … seconds (drift-free), settled every SETTLE_EVERY_S and at the last; resolves after the last. */
function sampleEverySecond(t0: number, seconds: number, into: MemorySample[]): Promise<void> {
  return new Promise((resolve) => {
    let k = 0;
    const step = () => {
      into.push(sample(k, k % SETTLE_EVERY_S === 0 || k === seconds));
      if (++k > seconds) return resolve();
      setTimeout(step, Math.max(0, t0 + k * 1000 - Date.now()));
    };
    setTimeout(step, Math.max(0, t0 - Date.now()));
  });
}

async function main(init: Extract<ToRole, { type: 'init' }>, started: Promise<number>): Promise<void> {
  const { plan, role } = init;
  const seconds = plan.totals.durationS;
  const sampler = new ProcessSampler({ clock: systemTimers.clock });
  let sink: ReturnType<typeof countingSink> | null = null;
  const publish = async (s: WorkerSnapshot) => sink?.publish(s);
  const common = { plan, index: 0, timers: systemTimers, logger: silentLogger, publish, sampleProc: () => sampler.sample() };
  const adapter = role === 'query' ? httpTestAdapter() : null;
  let ingest: IngestWorker | null = null;
  let query: QueryWorker | null = null;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    sampler.close();
    await ingest?.close();
    await adapter?.close();
  })());
  if (role === 'ingest') {
    const kafka = kafkaSettingsFromEnv(init.kafkaEnv ? process.env : {}, { bootstrap: init.bootstrap ?? '' });
    ingest = new IngestWorker({ ...common, kafka, laneLogLevel: 'error' });
    await ingest.warmUp();
  } else {
    query = new QueryWorker({ ...common, group: plan.workers.query[0]!.group, adapter: adapter!, endpoint: init.endpoint ?? '' });
  }
  send({ type: 'ready' });
  const t0 = await started;
  sink = countingSink(role, t0, seconds);
  const samples: MemorySample[] = [];
  try {
    const [totals] = await Promise.all([(ingest ?? query)!.run(t0), sampleEverySecond(t0, seconds, samples)]);
    await close();
    send({ type: 'result', samples, totals, perSecond: Array.from(sink.perSecond) });
  } finally {
    await close();
  }
}

let onStart: (t0: number) => void = () => undefined;
const started = new Promise<number>((r) => (onStart = r));
process.on('message', (m: ToRole) => {
  if (m.type === 'init') {
    main(m, started).catch((err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      process.exitCode = 1;
    });
  } else if (m.type === 'start') {
    onStart(m.t0);
  } else {
    process.exit(0);
  }
});
// The bench went away without saying "exit" (which ends this process first): nothing will read our figures.
process.on('disconnect', () => process.exit(1));
