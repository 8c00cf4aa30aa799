// Entry point of a worker thread that runs one worker role of a local run (SPEC §1.4: each role in its own thread,
// so the coordinator's merging never delays a query timer and each role reports its own thread's CPU). Talks to
// the run over Kafka exactly as a worker process does; logs go to the parent as JSON lines. Must not coordinate.

import { parentPort, workerData } from 'node:worker_threads';
import { Logger } from '../core/logger.js';
import { systemTimers } from '../core/timers.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import type { RunPlan } from '../scenario/plan-types.js';
import { runIngestRole } from './ingest-role.js';
import { runQueryRole } from './query-role.js';
import { adapterFor } from './target-session.js';

/** What the parent hands a role thread. */
export interface RoleThreadData {
  role: 'ingest' | 'query';
  index: number;
  group: string;
  plan: RunPlan;
  planHash: string;
  kafka: KafkaSettings;
  /** The target config file (query roles resolve relative paths in it against its directory). */
  targetConfigFile?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Messages a role thread posts to its parent. */
export type RoleThreadMessage =
  | { kind: 'log'; line: string }
  | { kind: 'done' }
  | { kind: 'failed'; error: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('role-thread.js must run in a worker thread');
  const d = workerData as RoleThreadData;
  const post = (m: RoleThreadMessage) => port.postMessage(m);
  const logger = new Logger({ json: true, level: d.logLevel, run: d.plan.run.name, sink: { write: (line: string) => post({ kind: 'log', line }) } });
  try {
    if (d.role === 'ingest') {
      await runIngestRole({ plan: d.plan, planHash: d.planHash, index: d.index, kafka: d.kafka, timers: systemTimers, logger });
    } else {
      const adapter = adapterFor(d.plan, logger, d.targetConfigFile);
      try {
        await runQueryRole({ plan: d.plan, planHash: d.planHash, group: d.group, index: d.index, kafka: d.kafka, adapter,
          timers: systemTimers, logger });
      } finally {
        await adapter.close?.();
      }
    }
    post({ kind: 'done' });
  } catch (err) {
    post({ kind: 'failed', error: (err as Error).message });
  }
}

await main();
