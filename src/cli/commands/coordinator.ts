// `incidentbench coordinator --plan F` (SPEC §1.4, §14, §15.2): the coordinator of a run as its own process — the
// operator's coordinator Job, or any machine next to workers started with `incidentbench worker`. Logs JSON lines
// when stderr is not a terminal, SIGTERM/SIGINT abort with a partial report (exit 130), exit code = the run's, and a
// failure ends with one `error: …` line (a pod's termination message is its last log lines). Must not hold run logic
// (control/cluster-coordinator.ts does).

import { join } from 'node:path';
import type { Command } from 'commander';
import { IncidentBenchError, UsageError } from '../../core/errors.js';
import { Logger } from '../../core/logger.js';
import { systemTimers } from '../../core/timers.js';
import { runClusterCoordinator, type ClusterCoordinatorResult } from '../../control/cluster-coordinator.js';
import { readPlanFile } from '../../control/plan-source.js';
import { kafkaSettingsFromEnv } from '../../kafka/kafka-config.js';
import { EXIT } from '../../stream-agg/verdict-types.js';
import { wholeNumber } from '../flag-values.js';
import { watchInterrupts } from '../interrupts.js';
import { summaryLines } from '../run-display.js';

interface CoordinatorFlags {
  plan: string;
  kafka?: string;
  out?: string;
  connectTimeout?: number;
  json?: boolean;
  verbose?: boolean;
}

export function registerCoordinator(program: Command): void {
  program
    .command('coordinator')
    .description('run the coordinator of a run on its own (a Kubernetes Job): prepare, START, aggregate, report')
    .requiredOption('--plan <file>', 'the plan.json to run (`incidentbench plan --json`)')
    .option('--kafka <bootstrap>', 'Kafka bootstrap servers (default: the plan\'s)')
    .option('--out <dir>', 'output directory (default results/<run>)')
    .option('--connect-timeout <s>', 'Kafka connect timeout in seconds', wholeNumber('--connect-timeout', 1), 10)
    .option('--json', 'log JSON lines (the default when stderr is not a terminal)')
    .option('--verbose', 'debug logging')
    .action(async (f: CoordinatorFlags) => {
      const { plan, planHash } = readPlanFile(f.plan);
      const bootstrap = f.kafka ?? plan.kafka.bootstrap;
      if (bootstrap.length === 0) throw new UsageError('--kafka is required (the plan names no bootstrap servers)');
      const kafka = kafkaSettingsFromEnv(process.env, { bootstrap, connectTimeoutMs: (f.connectTimeout ?? 10) * 1000 });
      const outDir = f.out ?? join('results', plan.run.name);
      // Once the failure's line is written nothing may follow it (kafkajs clients that gave up still log retries).
      let muted = false;
      const sink = { write: (line: string) => muted || process.stderr.write(line) };
      const lastLine = (line: string): void => {
        muted = true;
        process.stderr.write(`${line}\n`);
      };
      const logger = new Logger({ json: f.json ?? !process.stderr.isTTY, level: f.verbose ? 'debug' : 'info',
        run: plan.run.name, role: 'coordinator', sink });
      const interrupts = watchInterrupts();
      interrupts.onForce(() => process.exit(EXIT.interrupted));
      interrupts.signal.addEventListener('abort', () => logger.warn('interrupted: aborting the run, flushing, writing a partial report'),
        { once: true });
      logger.info('coordinator starting', { plan: f.plan, planHash, out: outDir, workers: {
        ingest: plan.workers.ingest.count, query: Object.fromEntries(plan.workers.query.map((q) => [q.group, q.count])) } });
      let result: ClusterCoordinatorResult;
      try {
        result = await runClusterCoordinator({ plan, planHash, kafka, outDir, timers: systemTimers, logger, signal: interrupts.signal });
      } catch (err) {
        if (!(err instanceof IncidentBenchError)) throw err;
        lastLine(`error: ${err.message}`);
        process.exitCode = EXIT.failed;
        return;
      } finally {
        interrupts.dispose();
      }
      for (const line of summaryLines(plan, result.run, outDir)) process.stdout.write(`${line}\n`);
      if (result.failed) lastLine(`error: ${result.failed}`);
      process.exitCode = result.run.run.exit_code;
    });
}
