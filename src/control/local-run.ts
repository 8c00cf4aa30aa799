// A run in local mode (SPEC §1.4, §14 `run`): prepares the topics and the target, records the events topics' start
// offsets, starts the local workers — each role in its own worker thread — runs the coordinator, writes the reports
// and optionally cleans up. Workers beyond the local ones join from other machines with `incidentbench worker
// --run <name>`. Must not parse flags or print progress (the `run` command does).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RunError } from '../core/errors.js';
import type { Logger, LogLevel } from '../core/logger.js';
import type { TimerHandle, Timers } from '../core/timers.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import type { RunPlan } from '../scenario/plan-types.js';
import type { LiveMessage } from '../stream-agg/live-types.js';
import { expectedWorkers, type ExpectedWorker } from './expected-workers.js';
import { runCoordinator, type CoordinatorResult } from './coordinator.js';
import { START_LEAD_MS } from './start-time.js';
import { prepareForCoordinator } from './run-preparation.js';
import { adapterFor, cleanupRun } from './target-session.js';
import type { RoleThreadData, RoleThreadMessage } from './role-thread.js';

export interface LocalRunOptions {
  plan: RunPlan;
  planHash: string;
  kafka: KafkaSettings;
  targetConfigFile?: string;
  /** The scenario file's text, copied to `<out>/scenario.yaml` (SPEC §13: exactly what was run). */
  scenarioText: string | null;
  outDir: string;
  logger: Logger;
  /** Level of the role threads' logs. */
  logLevel: LogLevel;
  timers: Timers;
  /** Ctrl-C: abort, flush, partial report (exit 130). */
  signal?: AbortSignal;
  onLive?: (message: LiveMessage) => void;
  /** How many workers run in this process; the rest must join with `incidentbench worker --run`. Default: all. */
  localWorkers?: { ingest: number; query: number };
  cleanup: boolean;
  /** Called once preparation is done (topics, target, start offsets). */
  onPrepared?: (warnings: string[]) => void;
}

export interface LocalRunResult extends CoordinatorResult {
  warnings: string[];
}

/** How long role threads get to finish after the coordinator is done before they are terminated. */
const THREAD_EXIT_GRACE_MS = 15_000;

export async function runLocal(o: LocalRunOptions): Promise<LocalRunResult> {
  const { plan, logger } = o;
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  if (o.scenarioText !== null) writeFileSync(join(o.outDir, 'scenario.yaml'), o.scenarioText);
  // The adapter checks its config and reads its credentials here: a missing env var fails before any network call.
  const adapter = adapterFor(plan, logger, o.targetConfigFile);
  const warnings: string[] = [];
  const threads: { worker: ExpectedWorker; thread: Worker; exited: Promise<void> }[] = [];
  try {
    const { prepared, startOffsets, warnings: prepareWarnings } = await prepareForCoordinator(plan, adapter, o.kafka, logger);
    warnings.push(...prepareWarnings);
    o.onPrepared?.(warnings);

    // Local workers, each in its own thread. A thread that dies fails the run (a RunError as the abort reason).
    const failure = new AbortController();
    const local = pickLocal(expectedWorkers(plan), o.localWorkers);
    for (const w of local) {
      const data: RoleThreadData = { role: w.role, index: w.index, group: w.group ?? 'default', plan, planHash: o.planHash,
        kafka: o.kafka, logLevel: o.logLevel, ...(o.targetConfigFile ? { targetConfigFile: o.targetConfigFile } : {}) };
      const thread = new Worker(new URL('./role-thread.js', import.meta.url), { workerData: data, stdout: false, stderr: false });
      thread.on('message', (m: RoleThreadMessage) => {
        if (m.kind === 'log') logger.forward(m.line);
        else if (m.kind === 'failed' && !failure.signal.aborted) failure.abort(new RunError(`worker ${w.id} failed: ${m.error}`));
      });
      thread.on('error', (err) => {
        if (!failure.signal.aborted) failure.abort(new RunError(`worker ${w.id} crashed: ${err.message}`));
      });
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      threads.push({ worker: w, thread, exited });
    }
    const signal = o.signal ? AbortSignal.any([o.signal, failure.signal]) : failure.signal;
    const result = await runCoordinator({ plan, planHash: o.planHash, kafka: o.kafka, adapter, prepared, startOffsets,
      outDir: o.outDir, timers: o.timers, logger, startLeadMs: START_LEAD_MS.local, signal,
      ...(o.onLive ? { onLive: o.onLive } : {}) });
    await settleThreads(threads, o.timers, logger);
    if (o.cleanup) warnings.push(...await cleanupRun(plan, adapter, o.kafka, logger, prepared));
    return { ...result, warnings };
  } finally {
    for (const t of threads) await t.thread.terminate().catch(() => undefined);
    await adapter.close?.();
  }
}

/** The first `n` ingest workers and the first `m` query workers (group by group, in plan order). */
function pickLocal(all: ExpectedWorker[], local: LocalRunOptions['localWorkers']): ExpectedWorker[] {
  if (!local) return all;
  const ingest = all.filter((w) => w.role === 'ingest').slice(0, local.ingest);
  const query = all.filter((w) => w.role === 'query').slice(0, local.query);
  return [...ingest, ...query];
}

async function settleThreads(threads: { worker: ExpectedWorker; exited: Promise<void> }[], timers: Timers, logger: Logger): Promise<void> {
  let timedOut = false;
  let grace: TimerHandle | undefined;
  await Promise.race([Promise.all(threads.map((t) => t.exited)), new Promise<void>((resolve) => {
    grace = timers.after(THREAD_EXIT_GRACE_MS, () => {
      timedOut = true;
      resolve();
    });
  })]);
  grace?.cancel(); // a pending grace timer would keep the process alive for 15 s after the report
  if (timedOut) logger.warn('worker threads did not exit in time; terminating them', { graceMs: THREAD_EXIT_GRACE_MS });
}
