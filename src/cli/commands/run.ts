// `incidentbench run <scenario> [run flags]` (SPEC §1.4, §14): a local run — every role in this process (roles in
// worker threads), progress line or --live TUI, reports in --out, exit codes 0/1/2/3/130, Ctrl-C aborts with a partial
// report; with --k8s it submits the run to the cluster's operator instead. Must not hold run logic (control/ does).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, formatProblem, UsageError, type Problem } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import { adapterFor } from '../../control/target-session.js';
import { kafkaSettingsFromEnv } from '../../kafka/kafka-config.js';
import type { RunPlan } from '../../scenario/plan-types.js';
import { EXIT } from '../../stream-agg/verdict-types.js';
import type { ClusterRunFlags } from '../cluster-run.js';
import { addRunFlags, planFromFlags } from '../run-flags.js';
import { renderPlan } from '../plan-printer.js';
import { wholeNumber } from '../flag-values.js';
import { watchInterrupts } from '../interrupts.js';
import { runShowingProgress, summaryLines, type ShownRun } from '../run-display.js';

interface LocalRunFlags extends ClusterRunFlags {
  out?: string;
  dryRun?: boolean;
  live?: boolean;
  cleanup?: boolean;
  verbose?: boolean;
  connectTimeout?: number;
  localIngestWorkers?: number;
  localQueryWorkers?: number;
}

export function registerRun(program: Command): void {
  addRunFlags(
    program
      .command('run')
      .description('run a benchmark locally: prepare, ingest + query workers, coordinator, reports')
      .argument('<scenario>', 'scenario YAML file')
      .option('--out <dir>', 'output directory (default results/<run>)')
      .option('--dry-run', 'print the plan and stop (= plan)')
      .option('--live', 'full-screen dashboard instead of the progress line (lines when not a terminal)')
      .option('--cleanup', 'after the report: run the adapter cleanup and delete the run\'s topics')
      .option('--verbose', 'show every log line (harness.log always has them)')
      .option('--connect-timeout <s>', 'Kafka connect timeout in seconds', wholeNumber('--connect-timeout', 1), 10)
      .option('--local-ingest-workers <n>', 'ingest workers started here (default all; the rest join with `incidentbench worker --run`)',
        wholeNumber('--local-ingest-workers', 0))
      .option('--local-query-workers <n>', 'query workers started here (default all)', wholeNumber('--local-query-workers', 0))
      .option('--namespace <ns>', 'with --k8s: the namespace of the run (default: the kubeconfig context\'s)')
      .option('--image <image>', 'with --k8s: the incidentbench image of the pods (default the operator\'s incidentbench:<version>)')
      .option('--credentials-secret <name>', 'with --k8s: Secret whose keys become the target credentials\' env vars')
      .option('--kafka-secret <name>', 'with --k8s: Secret with IB_KAFKA_SASL_MECHANISM / IB_KAFKA_USERNAME / IB_KAFKA_PASSWORD')
      .option('--kubeconfig <file>', 'with --k8s: kubeconfig file (default $KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', 'with --k8s: kubeconfig context')
      .option('--detach', 'with --k8s: submit and return without following the run'),
  ).action(async (file: string, f: LocalRunFlags) => {
    const { loaded, plan } = planFromFlags(file, f);
    if (f.k8s && !f.dryRun) {
      // Loaded only here: @kubernetes/client-node adds about a second to every command's start.
      const { runInCluster } = await import('../cluster-run.js');
      process.exitCode = await runInCluster(loaded, plan, f);
      return;
    }
    for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
    if (f.dryRun) {
      process.stdout.write(`${renderPlan(plan)}\n`);
      return;
    }
    if (!plan.target) throw new UsageError('--target <adapter> and --target-config <file> are required for a run');
    if (plan.kafka.bootstrap.length === 0) throw new UsageError('--kafka <bootstrap> is required for a run (host:port of your Kafka)');
    // The target config (and the secrets it names) is checked before anything is written or connected to (SPEC §17).
    const problems = await targetConfigProblems(plan, f.targetConfig);
    if (problems.length > 0) {
      for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
      process.exitCode = EXIT.failed;
      return;
    }
    const outDir = f.out ?? join('results', plan.run.name);
    const kafka = kafkaSettingsFromEnv(process.env, { bootstrap: plan.kafka.bootstrap, connectTimeoutMs: (f.connectTimeout ?? 10) * 1000 });

    const ctrlC = watchInterrupts();
    ctrlC.onForce(() => process.exit(EXIT.interrupted)); // a second Ctrl-C: quit at once (the TUI restores the terminal on exit)
    let shown: ShownRun;
    try {
      shown = await runShowingProgress({ plan, kafka, ...(f.targetConfig ? { targetConfigFile: f.targetConfig } : {}),
        scenarioText: readFileSync(file, 'utf8'), outDir, live: f.live === true, verbose: f.verbose === true,
        cleanup: f.cleanup === true, signal: ctrlC.signal,
        ...(f.localIngestWorkers !== undefined || f.localQueryWorkers !== undefined ? { localWorkers: {
          ingest: f.localIngestWorkers ?? plan.workers.ingest.count,
          query: f.localQueryWorkers ?? plan.workers.query.reduce((a, g) => a + g.count, 0) } } : {}) });
    } finally {
      ctrlC.dispose();
    }
    // The summary's "report: <folder>" line gives way to the report file's path below.
    for (const line of summaryLines(plan, shown.run, null)) if (!line.startsWith('report: ')) process.stdout.write(`${line}\n`);
    if (shown.failed) process.stderr.write(`error: ${shown.failed}\n`);
    process.stdout.write(`report: ${join(outDir, 'report.html')}\n`);
    process.exitCode = shown.run.run.exit_code;
  });
}

/** Problems of the target config (keys, secrets by env var or file), found without any network call. */
async function targetConfigProblems(plan: RunPlan, configFile: string | undefined): Promise<readonly Problem[]> {
  try {
    await adapterFor(plan, silentLogger, configFile).close?.();
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}
