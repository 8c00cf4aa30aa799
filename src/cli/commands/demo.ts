// `incidentbench demo` (SPEC §14, §16 "Demo"): checks what the local stack needs, starts the local Kafka and ClickHouse,
// runs scenarios/smoke.yaml against them like `run`, prints the report path, and stops the stack. Must not hold run
// logic (control/local-run.ts) nor stop any process it did not start.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { V18_OFFSET_WARNING } from '../../adapters/clickhouse/prepare.js';
import { formatProblem } from '../../core/errors.js';
import type { LocalStack } from '../../control/local-stack/local-stack.js';
import { startLocalStack } from '../../control/local-stack/local-stack.js';
import { findRepoRoot } from '../../control/local-stack/package-root.js';
import { probeLocalStack, type MissingPrerequisite } from '../../control/local-stack/prerequisites.js';
import { runTopics } from '../../control/target-session.js';
import { kafkaSettingsFromEnv } from '../../kafka/kafka-config.js';
import { EXIT } from '../../stream-agg/verdict-types.js';
import { afterRunLines, clickhouseTargetYaml, dockerAlternative, keptStackLines, missingPrerequisitesMessage,
  type DemoFiles } from '../demo-text.js';
import { positiveNumber } from '../flag-values.js';
import { watchInterrupts, type InterruptWatch } from '../interrupts.js';
import { runShowingProgress, summaryLines, type ShownRun, type ShownRunOptions } from '../run-display.js';
import { generatedRunName, planFromFlags } from '../run-flags.js';
import type { ProgressStream } from '../run-progress.js';

/** The flags as commander hands them over. */
export interface DemoFlags {
  durationScale?: number;
  rateScale?: number;
  out?: string;
  live?: boolean;
  keepStack?: boolean;
}

/** What the demo was asked to do, defaults applied. */
export interface DemoSettings {
  durationScale: number;
  rateScale: number;
  /** null: results/<run> in the current folder. */
  outDir: string | null;
  live: boolean;
  keepStack: boolean;
}

/** Everything the demo touches outside itself; tests replace parts of it. */
export interface DemoDeps {
  /** What the local stack needs and this machine lacks (empty: go). */
  probe(): MissingPrerequisite[];
  startStack(): Promise<LocalStack>;
  runShown(o: ShownRunOptions): Promise<ShownRun>;
  watchInterrupts(): InterruptWatch;
  /** Ends the process at once (a second Ctrl-C). */
  exit(code: number): void;
  /** The package root: scenarios/ and manifests/ are read from here, not from the current folder. */
  root: string;
  cwd: string;
  now(): Date;
  stdout: ProgressStream & NodeJS.WritableStream;
  stderr: ProgressStream;
}

export function defaultDemoDeps(): DemoDeps {
  return {
    probe: () => probeLocalStack(),
    // Own process groups: a Ctrl-C in the terminal reaches only this process, which then stops the stack in order.
    startStack: () => startLocalStack({ ownProcessGroup: true }),
    runShown: runShowingProgress,
    watchInterrupts: () => watchInterrupts(),
    exit: (code) => process.exit(code),
    root: findRepoRoot(),
    cwd: process.cwd(),
    now: () => new Date(),
    stdout: process.stdout,
    stderr: process.stderr,
  };
}

export function registerDemo(program: Command, run: (s: DemoSettings) => Promise<number> = (s) => runDemo(s, defaultDemoDeps()))
  : void {
  program
    .command('demo')
    .description('start a local Kafka and ClickHouse, run scenarios/smoke.yaml against them, print the report path')
    .option('--duration-scale <x>', 'multiply every phase duration (default 1)', positiveNumber('--duration-scale'))
    .option('--rate-scale <y>', 'multiply every EPS and QPS target (default 1)', positiveNumber('--rate-scale'))
    .option('--out <dir>', 'output directory (default results/<run>)')
    .option('--live', 'full-screen dashboard instead of the progress line (lines when not a terminal)')
    .option('--keep-stack', 'keep Kafka and ClickHouse running after the run (prints their addresses) until Ctrl-C')
    .action(async (f: DemoFlags) => {
      process.exitCode = await run(demoSettings(f));
    });
}

export function demoSettings(f: DemoFlags): DemoSettings {
  return {
    durationScale: f.durationScale ?? 1,
    rateScale: f.rateScale ?? 1,
    outDir: f.out ?? null,
    live: f.live === true,
    keepStack: f.keepStack === true,
  };
}

export function demoFiles(root: string): DemoFiles {
  return {
    scenario: join(root, 'scenarios', 'smoke.yaml'),
    flagship: join(root, 'scenarios', 'sre-outage.yaml'),
    compose: join(root, 'manifests', 'local', 'compose.yaml'),
    clickhouseTargetConfig: join(root, 'manifests', 'local', 'clickhouse.yaml'),
  };
}

/** `demo-YYYYMMDD-HHMMSS` in UTC, so the demo's results are told apart from other local runs. */
export function demoRunName(now: Date): string {
  return generatedRunName(now).replace(/^local-/, 'demo-');
}

/**
 * Warnings that do not apply to the demo's own stack: its ClickHouse config has the auto_offset_reset setting that the
 * adapter cannot see and warns about. They stay in harness.log.
 */
export function expectedOnLocalStack(line: string): boolean {
  return line.includes(V18_OFFSET_WARNING);
}

/** The whole demo; resolves with the exit code (the run's, 1 when something is missing, 130 after Ctrl-C). */
export async function runDemo(s: DemoSettings, deps: DemoDeps): Promise<number> {
  const files = demoFiles(deps.root);
  const say = (line: string): void => void deps.stderr.write(`demo: ${line}\n`);
  const missing = deps.probe();
  if (missing.length > 0) {
    deps.stderr.write(missingPrerequisitesMessage(missing, files, deps.cwd));
    return EXIT.failed;
  }

  const ctrlC = deps.watchInterrupts();
  let stack: LocalStack | null = null;
  let stopping: Promise<void> | null = null;
  const stopStack = (): Promise<void> => {
    stopping ??= (async () => {
      if (stack === null) return;
      say('stopping the local stack');
      await stack.stop();
      say('local stack stopped');
    })();
    return stopping;
  };
  // Until the run starts (it then says so itself), a Ctrl-C is acknowledged here; the current step ends, then all stops.
  let running = false;
  ctrlC.signal.addEventListener('abort', () => {
    if (!running) say('interrupted: stopping (Ctrl-C again to quit at once)');
  }, { once: true });
  let forced = 0;
  ctrlC.onForce(() => {
    forced++;
    if (forced > 1) return deps.exit(EXIT.interrupted);
    say('interrupted again: stopping the local stack and quitting (Ctrl-C once more to quit at once)');
    void stopStack().finally(() => deps.exit(EXIT.interrupted));
  });

  try {
    say('starting the local stack: a test-grade Kafka (librdkafka mock cluster, 1 broker) and ClickHouse, on loopback');
    try {
      stack = await deps.startStack();
    } catch (err) {
      deps.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`
        + `Or, with Docker, run the smoke scenario against the compose stack instead:\n`
        + dockerAlternative(files, deps.cwd).map((l) => `  ${l}\n`).join(''));
      return EXIT.failed;
    }
    const { kafka: localKafka, clickhouse } = stack;
    say(`Kafka ${localKafka.bootstrap} (pid ${localKafka.pid})`);
    say(`ClickHouse ${clickhouse.version} at ${clickhouse.url} (pid ${clickhouse.pid}, data in ${clickhouse.dir})`);
    if (ctrlC.signal.aborted) return EXIT.interrupted;

    const now = deps.now();
    const runName = demoRunName(now);
    const outDir = resolve(deps.cwd, s.outDir ?? join('results', runName));
    mkdirSync(outDir, { recursive: true });
    const targetConfig = join(outDir, 'target-clickhouse.yaml');
    writeFileSync(targetConfig, clickhouseTargetYaml(clickhouse.url));
    const { loaded, plan } = planFromFlags(files.scenario, { target: 'clickhouse', targetConfig, kafka: localKafka.bootstrap,
      runName, durationScale: s.durationScale, rateScale: s.rateScale }, now);
    for (const w of loaded.warnings) deps.stderr.write(`warning: ${formatProblem(w)}\n`);
    // The local Kafka refuses CreateTopics and would auto-create every topic with 4 partitions: create the run's
    // topics through its helper with the planned counts, so the run finds them as planned (and warns about nothing).
    for (const t of runTopics(plan)) await localKafka.createTopic(t.name, t.partitions);
    if (ctrlC.signal.aborted) return EXIT.interrupted;

    // The local Kafka is plain loopback: IB_KAFKA_* settings (SASL, TLS) meant for a real cluster do not apply.
    const kafka = kafkaSettingsFromEnv({}, { bootstrap: plan.kafka.bootstrap, connectTimeoutMs: 10_000 });
    running = true;
    const shown = await deps.runShown({ plan, kafka, targetConfigFile: targetConfig, scenarioText: readFileSync(files.scenario, 'utf8'),
      outDir, live: s.live, verbose: false, cleanup: false, signal: ctrlC.signal, isExpected: expectedOnLocalStack,
      stdout: deps.stdout, stderr: deps.stderr });

    const out = (line: string): void => void deps.stdout.write(`${line}\n`);
    // The summary's own "report: <folder>" line is replaced by the demo's "Report: <file>" line below.
    for (const line of summaryLines(plan, shown.run, outDir)) if (!line.startsWith('report: ')) out(line);
    if (shown.failed) deps.stderr.write(`error: ${shown.failed}\n`);
    if (shown.hiddenWarnings > 0) {
      out('(not shown: the ClickHouse 18.x auto_offset_reset warning, which does not apply to the demo\'s ClickHouse — its '
        + `config sets it; see ${join(outDir, 'harness.log')})`);
    }
    const report = join(outDir, 'report.html');
    out(existsSync(report) ? `Report: ${report}` : `Report: not written (see ${join(outDir, 'harness.log')})`);
    if (ctrlC.signal.aborted) return shown.run.run.exit_code;
    out('');
    for (const line of afterRunLines(plan, files, deps.cwd)) out(line);
    if (s.keepStack) {
      out('');
      for (const line of keptStackLines(localKafka.bootstrap, clickhouse.url, targetConfig, files, deps.cwd)) out(line);
      // Nothing else keeps the event loop alive now (the stack's children are unref'd, signal listeners do not count).
      const keepAlive = setInterval(() => undefined, 2 ** 30);
      say('waiting for Ctrl-C');
      try {
        await ctrlC.interrupted;
      } finally {
        clearInterval(keepAlive);
      }
    }
    return shown.run.run.exit_code;
  } finally {
    await stopStack();
    ctrlC.dispose();
  }
}
