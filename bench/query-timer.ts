// Self-benchmark `query-timer` (SPEC §18): one query worker at 500 QPS against a local HTTP server with a known
// delay distribution; timer lateness p99, and the gap between the measured latency p99 and the server's true
// delay p99 (same run). Must not judge the figures, nor be used as a test.

import { cpus } from 'node:os';
import { silentLogger } from '../src/core/logger.js';
import { systemTimers } from '../src/core/timers.js';
import { Hist } from '../src/metrics/hist.js';
import { addQueryBlock, emptyQueryTotals } from '../src/metrics/query-totals.js';
import type { WorkerSnapshot } from '../src/metrics/worker-snapshot.js';
import { QueryWorker } from '../src/query-runner/query-worker.js';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { httpTestAdapter } from '../test/support/http-test-target.js';
import { miniPlan } from '../test/support/mini-plan.js';

/** The delay server in its own thread; `stop()` returns the delays it really applied. */
async function startServerThread(delaysMs: number[]) {
  const worker = new Worker(fileURLToPath(new URL('../test/support/delay-server-thread.js', import.meta.url)),
    { workerData: { delaysMs } });
  const port = await new Promise<number>((r) => worker.once('message', (m: { port: number }) => r(m.port)));
  const server = {
    url: `http://127.0.0.1:${port}`,
    delays: [] as number[],
    stop: async () => {
      worker.postMessage('stop');
      server.delays = await new Promise<number[]>((r) => worker.once('message', (m: { delays: number[] }) => r(m.delays)));
      await worker.terminate();
    },
  };
  return server;
}

export async function runQueryTimerBench(args: string[]): Promise<Record<string, unknown>> {
  let seconds = 10;
  let qps = 500;
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === '--seconds') seconds = Number(args[i + 1]);
    else if (args[i] === '--qps') qps = Number(args[i + 1]);
    else throw new RangeError(`unknown bench argument ${args[i]}; expected --seconds N, --qps Q`);
  }
  // Known delays: 2–11 ms in a fixed cycle, every 25th request 40 ms (so p99 is 40 ms, not a boundary).
  const delaysMs = Array.from({ length: 100 }, (_, i) => (i % 25 === 24 ? 40 : 2 + (i % 10)));
  const server = await startServerThread(delaysMs);
  const adapter = httpTestAdapter();
  const totals = emptyQueryTotals();
  const snapshots: WorkerSnapshot[] = [];
  try {
    const plan = miniPlan([{ name: 'steady', durationS: seconds, eps: 1, qps }], { run: 'bench-query-timer', freshness: false });
    const worker = new QueryWorker({ plan, group: 'default', index: 0, adapter, endpoint: server.url, timers: systemTimers,
      logger: silentLogger, sampleProc: () => ({ cpuPct: 0, cpuLimitCores: 0, rssMb: 0, eventLoopDelayP99Ms: 0 }),
      // Kept as published and merged after the run, so the bench's own decoding never delays the worker's timers.
      publish: async (s) => {
        snapshots.push(s);
      } });
    const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    await worker.run(t0);
  } finally {
    await adapter.close();
    await server.stop();
  }
  for (const s of snapshots) {
    if (s.query) addQueryBlock(totals, s.query);
    for (const l of Object.values(s.late ?? {})) if (l.query) addQueryBlock(totals, l.query);
  }
  const truth = new Hist();
  for (const d of server.delays) truth.recordMs(d);
  const lateness = totals.timerLateness;
  const measuredP99 = totals.latency.percentileMs(99)!;
  const trueP99 = truth.percentileMs(99)!;
  const figures = {
    bench: 'query-timer',
    qps,
    completed: totals.ok,
    dropped: totals.dropped,
    lateness_p50_ms: lateness.percentileMs(50),
    lateness_p99_ms: lateness.percentileMs(99),
    measured_p99_ms: measuredP99,
    server_true_p99_ms: trueP99,
    gap_p99_ms: Number((measuredP99 - trueP99).toFixed(3)),
    service_p99_ms: totals.serviceTime.percentileMs(99),
    machine: `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, node ${process.versions.node}`,
  };
  const row = (k: string, v: unknown) => process.stdout.write(`${k.padEnd(36)}${String(v)}\n`);
  row('arrivals completed / dropped', `${figures.completed} / ${figures.dropped} at ${qps} QPS for ${seconds} s`);
  row('timer lateness p50 / p99', `${figures.lateness_p50_ms} / ${figures.lateness_p99_ms} ms (target p99 < 2 ms)`);
  row('latency p99 measured (from due time)', `${measuredP99} ms`);
  row('server delay p99 (truth)', `${trueP99} ms`);
  row('gap', `${figures.gap_p99_ms} ms (target < 1 ms)`);
  return figures;
}
