// `incidentbench report <run.json|results dir|run> [--out DIR] [--from-kafka --kafka B]`: rebuilds run.json,
// report.html and timeseries.csv from plan.json + snapshots.jsonl, or from the run's topics (SPEC §13.1, §14).
// Must not change the records it reads.

import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { Logger } from '../../core/logger.js';
import { systemTimers } from '../../core/timers.js';
import { VERSION } from '../../core/version.js';
import { readPlanFile } from '../../control/plan-source.js';
import { kafkaSettingsFromEnv } from '../../kafka/kafka-config.js';
import { aggregateRecords, rebuildRun } from '../../report/rebuild-run.js';
import { readRunFromKafka } from '../../report/kafka-records.js';
import { reportExitCode, writeReport } from '../../report/write-report.js';
import { buildRunResult } from '../../stream-agg/run-result.js';
import { recordLine } from '../../stream-agg/records.js';
import type { RunJson } from '../../stream-agg/run-result-types.js';
import { wholeNumber } from '../flag-values.js';

interface ReportFlags {
  out?: string;
  fromKafka?: boolean;
  kafka?: string;
  connectTimeout?: number;
  json?: boolean;
}

/** The results directory a report argument names: a directory, or the directory of a run.json. */
export function resultsDir(arg: string): string {
  if (!existsSync(arg)) throw new UsageError(`${arg}: no such file or directory (expected a results directory or its run.json)`);
  return statSync(arg).isDirectory() ? arg : dirname(arg);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('rebuild run.json, report.html and timeseries.csv from a run\'s raw records')
    .argument('<run>', 'a results directory, its run.json, or (with --from-kafka) the run name')
    .option('--out <dir>', 'output directory (default: the results directory; with --from-kafka results/<run>)')
    .option('--from-kafka', 'read the plan and the records from the run\'s Kafka topics')
    .option('--kafka <bootstrap>', 'Kafka bootstrap servers (with --from-kafka; default $IB_KAFKA_BOOTSTRAP)')
    .option('--connect-timeout <s>', 'Kafka connect timeout in seconds', wholeNumber('--connect-timeout', 1), 10)
    .option('--json', 'print the rebuilt run.json summary as JSON')
    .action(async (arg: string, f: ReportFlags) => {
      const generatedAt = new Date().toISOString();
      let run: RunJson;
      let out: string;
      if (f.fromKafka) {
        const bootstrap = f.kafka ?? process.env.IB_KAFKA_BOOTSTRAP;
        if (!bootstrap) throw new UsageError('--from-kafka needs --kafka <bootstrap> (or IB_KAFKA_BOOTSTRAP)');
        const logger = new Logger({ json: false, level: 'warn', role: 'report' });
        const kafka = kafkaSettingsFromEnv(process.env, { bootstrap: bootstrap.split(','), connectTimeoutMs: (f.connectTimeout ?? 10) * 1000 });
        const k = await readRunFromKafka(kafka, arg, logger, systemTimers);
        out = f.out ?? join('results', arg);
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'plan.json'), `${JSON.stringify(k.plan, null, 2)}\n`);
        writeFileSync(join(out, 'snapshots.jsonl'), k.records.map((r) => `${recordLine(r)}\n`).join(''));
        const agg = aggregateRecords(k.plan, k.records);
        for (let i = 0; i < k.malformed.count; i++) agg.malformed(k.malformed.first ?? 'unreadable record');
        run = buildRunResult(k.plan, agg, { version: VERSION, generatedAt });
      } else {
        const dir = resultsDir(arg);
        const planFile = join(dir, 'plan.json');
        const recordsFile = join(dir, 'snapshots.jsonl');
        for (const [file, what] of [[planFile, 'the plan'], [recordsFile, 'the raw records']] as const) {
          if (!existsSync(file)) throw new UsageError(`${file}: missing (${what} of the run; report rebuilds from plan.json + snapshots.jsonl)`);
        }
        const { plan } = readPlanFile(planFile);
        run = rebuildRun(plan, readFileSync(recordsFile, 'utf8').split('\n'), { version: VERSION, generatedAt });
        out = f.out ?? dir;
      }
      const written = writeReport(run, out);
      if (f.json) process.stdout.write(`${JSON.stringify({ dir: written.dir, valid: run.run.valid, exit_code: reportExitCode(run), scorecard: run.scorecard })}\n`);
      else {
        const verdict = run.run.valid ? 'VALID' : `INVALID (${run.run.validity_violations.map((v) => v.name).join(', ')})`;
        process.stdout.write(`${basename(written.dir)}: ${verdict}; wrote ${written.runJson}, ${written.html}, ${written.csv}\n`);
      }
      process.exitCode = reportExitCode(run);
    });
}
