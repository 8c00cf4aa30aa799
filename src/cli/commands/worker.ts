// `incidentbench worker --role ingest …`: runs one worker of a run (SPEC §1.4, §14), as a pod or on any
// machine that reaches Kafka; an ingest worker warns when its lane threads exceed its CPU limit. Must not
// coordinate: the coordinator (or a test) drives the control topic.

import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { Logger } from '../../core/logger.js';
import { systemTimers } from '../../core/timers.js';
import { runIngestRole } from '../../control/ingest-role.js';
import { laneThreadsWarning } from '../../control/lane-cpu-check.js';
import { workerId } from '../../control/protocol.js';
import { runQueryRole } from '../../control/query-role.js';
import { adapterFor } from '../../control/target-session.js';
import { planFromControlTopic, readPlanFile } from '../../control/plan-source.js';
import { kafkaSettingsFromEnv } from '../../kafka/kafka-config.js';
import { cpuLimitCores } from '../../metrics/cpu-limit.js';
import { wholeNumber } from '../flag-values.js';

interface WorkerFlags {
  role: string;
  kafka?: string;
  run?: string;
  plan?: string;
  index?: number;
  group?: string;
  connectTimeout?: number;
  json?: boolean;
  verbose?: boolean;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run one ingest or query worker of a run')
    .requiredOption('--role <role>', 'ingest or query')
    .option('--kafka <bootstrap>', 'Kafka bootstrap servers (default: the plan\'s)')
    .option('--run <name>', 'join a running run: read its plan from the control topic')
    .option('--plan <file>', 'the plan.json to run (checked against the run\'s plan hash)')
    .option('--index <i>', 'worker index (default $JOB_COMPLETION_INDEX)', wholeNumber('--index', 0))
    .option('--group <g>', 'query group (query workers)')
    .option('--connect-timeout <s>', 'Kafka connect timeout in seconds', wholeNumber('--connect-timeout', 1), 10)
    .option('--json', 'log JSON lines')
    .option('--verbose', 'debug logging')
    .action(async (f: WorkerFlags) => {
      if (f.role !== 'ingest' && f.role !== 'query') throw new UsageError(`--role: expected ingest or query, got ${JSON.stringify(f.role)}`);
      if ((f.run === undefined) === (f.plan === undefined)) throw new UsageError('give exactly one of --run <name> or --plan <file>');
      const envIndex = process.env.JOB_COMPLETION_INDEX;
      const index = f.index ?? (envIndex !== undefined ? wholeNumber('$JOB_COMPLETION_INDEX', 0)(envIndex) : undefined);
      if (index === undefined) throw new UsageError('--index is required (or set JOB_COMPLETION_INDEX)');
      const group = f.group ?? 'default';
      const id = f.role === 'ingest' ? workerId('ingest', index) : workerId('query', index, group);
      const logger = new Logger({ json: f.json ?? !process.stderr.isTTY, level: f.verbose ? 'debug' : 'info', role: id });
      const loaded = f.plan !== undefined ? readPlanFile(f.plan) : undefined;
      const bootstrap = f.kafka ?? loaded?.plan.kafka.bootstrap;
      if (!bootstrap || bootstrap.length === 0) throw new UsageError('--kafka is required (the plan names no bootstrap servers)');
      const kafka = kafkaSettingsFromEnv(process.env, { bootstrap, connectTimeoutMs: (f.connectTimeout ?? 10) * 1000 });
      const { plan, planHash } = loaded ?? await planFromControlTopic(f.run!, kafka, systemTimers, logger, 120);
      if (f.role === 'ingest') {
        const cores = cpuLimitCores();
        const tooMany = laneThreadsWarning(plan.workers.ingest.threads, cores);
        if (tooMany) logger.warn(tooMany, { threads: plan.workers.ingest.threads, cpuLimitCores: cores });
        await runIngestRole({ plan, planHash, index, kafka, timers: systemTimers, logger });
        return;
      }
      if (!plan.workers.query.some((q) => q.group === group)) {
        throw new UsageError(`--group: the plan has no query group ${JSON.stringify(group)} (it has ${plan.workers.query.map((q) => q.group).join(', ') || 'none'})`);
      }
      const adapter = adapterFor(plan, logger);
      try {
        await runQueryRole({ plan, planHash, group, index, kafka, adapter, timers: systemTimers, logger });
      } finally {
        await adapter.close?.();
      }
    });
}
