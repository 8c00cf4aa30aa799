// `incidentbench load` (SPEC §14): pre-loads a target for query-only benchmarks — prepare, push a scenario's
// generated events through Kafka at full speed, wait until the target has consumed them. Must not write to the
// target itself (the data goes through Kafka, as in a run) nor run queries.

import type { Command } from 'commander';
import { formatProblem, UsageError } from '../../core/errors.js';
import { Logger } from '../../core/logger.js';
import { systemTimers } from '../../core/timers.js';
import { loadAmountOf } from '../../control/load-amount.js';
import { loadFailure, loadRun, type LoadProgress, type LoadRunResult } from '../../control/load-run.js';
import { adapterFor } from '../../control/target-session.js';
import { kafkaSettingsFromEnv } from '../../kafka/kafka-config.js';
import { watchInterrupts } from '../interrupts.js';
import { formatCount } from '../live-line.js';
import { addRunFlags, planStandalone, type RunFlags } from '../run-flags.js';
import { wholeNumber, positiveNumber } from '../flag-values.js';
import type { ProgressStream } from '../run-progress.js';

type LoadFlags = RunFlags & { count?: number; seconds?: number; json?: boolean; verbose?: boolean };

const HELP_AFTER = `
Events g = 0 … N−1 of every stream, the same events \`generate --t0 <t0> --count N\` prints (t0 is reported: the
events keep their scheduled spacing and the last one is due about now, so recent time ranges hit them). Default N:
the stream's planned events of the whole timeline; --count N: N per stream; --seconds S: S seconds of the baseline
phase's rate. The data goes through Kafka as in a run; the command returns once the target's consumer lag is 0
(exit 0), or exits 1 naming the lag left after --drain-timeout. Ctrl-C stops producing and exits 130.

--run-name defaults to the scenario's name, so a later \`cleanup\` of that scenario meets the same topic and
objects — and drops the loaded table too when this load created it: clean up only when the data is no longer needed. A query-only scenario has no streams and cannot be loaded: load the data it queries with a scenario
that has streams. The table filled is the one that scenario names (schema.index_name, "-"/"." → "_" on
ClickHouse) unless the target config's "table" key names another — e.g. for a query-only scenario that reads
\`logs\`:  incidentbench load scenarios/smoke.yaml --target clickhouse --target-config ch.yaml --kafka B
with "table: logs" in ch.yaml.`;

/** Progress on stderr: one line rewritten in place on a terminal, otherwise a line every 10 s and at stage changes. */
export class LoadProgressLine {
  private lastStage = '';
  private lastPlainS = -1;
  private shown = false;

  constructor(private readonly out: ProgressStream) {}

  show(p: LoadProgress): void {
    const text = formatLoadProgress(p);
    if (this.out.isTTY === true) {
      const width = Math.max(20, (this.out.columns ?? 120) - 1);
      this.out.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      this.shown = true;
      return;
    }
    const s = Math.floor(p.elapsedMs / 10_000);
    if (p.stage !== this.lastStage || s !== this.lastPlainS) this.out.write(`${text}\n`);
    this.lastStage = p.stage;
    this.lastPlainS = s;
  }

  end(): void {
    if (this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }
}

export function formatLoadProgress(p: LoadProgress): string {
  const t = `${(p.elapsedMs / 1000).toFixed(0)} s`;
  if (p.stage === 'producing') {
    return `load: produced ${formatCount(p.produced)} / ${formatCount(p.total)}, acked ${formatCount(p.acked)}, `
      + `${formatCount(Math.round(p.eps))} EPS, ${t}`;
  }
  return `load: waiting for the target: lag ${formatCount(p.lag)}, ${t}`;
}

/** The human summary of a finished load (stdout). */
export function loadSummary(r: LoadRunResult): string[] {
  return [
    `loaded run ${r.run}: ${r.acked} of ${r.produced} events acknowledged in ${(r.produceMs / 1000).toFixed(1)} s (${r.eps} EPS), `
      + `${r.consumed ? 'all consumed (lag 0)' : `lag ${r.lag ?? 'unknown'}`}, ${(r.totalMs / 1000).toFixed(1)} s in all; t0 ${new Date(r.t0).toISOString()}`,
    ...r.streams.map((s) => `  ${s.stream}: ${s.acked} events → ${s.topic}, lag ${s.lag ?? 'not read'}`),
  ];
}

export function registerLoad(program: Command): void {
  addRunFlags(program.command('load')
    .description('prepare, push generated events through Kafka at full speed, wait until the target consumed them')
    .argument('<scenario>', 'a scenario with data streams')
    .option('--count <n>', 'events per stream (default: the whole timeline)', wholeNumber('--count', 0))
    .option('--seconds <s>', 'events per stream for S seconds of the baseline phase\'s rate', positiveNumber('--seconds'))
    .option('--json', 'print the result as JSON')
    .option('--verbose', 'debug logging'))
    .addHelpText('after', HELP_AFTER)
    .action(async (file: string, f: LoadFlags) => {
      const amount = loadAmountOf(f);
      const { plan, loaded } = planStandalone(file, f);
      const warnings = loaded.warnings;
      if (plan.streams.length === 0) {
        throw new UsageError(`${file} is query-only: it has no data streams to load; load the data it queries from a scenario `
          + 'with streams, e.g. `incidentbench load scenarios/smoke.yaml …` with the target config\'s "table" naming the table its queries read');
      }
      if (plan.kafka.bootstrap.length === 0) throw new UsageError('--kafka <bootstrap> is required: load sends the events through Kafka');
      for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
      const logger = new Logger({ role: 'cli', level: f.verbose ? 'debug' : 'warn', json: f.json ?? false });
      const adapter = adapterFor(plan, logger, f.targetConfig);
      const interrupts = watchInterrupts();
      interrupts.onForce(() => process.exit(130));
      const progress = new LoadProgressLine(process.stderr);
      try {
        const r = await loadRun({ plan, adapter, kafka: kafkaSettingsFromEnv(process.env, { bootstrap: plan.kafka.bootstrap }),
          amount, timers: systemTimers, logger, onProgress: (p) => progress.show(p), signal: interrupts.signal });
        progress.end();
        for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
        if (f.json) {
          const { prepared, ...rest } = r;
          process.stdout.write(`${JSON.stringify({ ...rest, consumerGroups: prepared.consumerGroups })}\n`);
        } else {
          for (const line of loadSummary(r)) process.stdout.write(`${line}\n`);
        }
        const failed = loadFailure(r, plan.harness.drainTimeoutS);
        if (r.interrupted) {
          process.stderr.write('load interrupted: producing stopped\n');
          process.exitCode = 130;
        } else if (failed !== null) {
          process.stderr.write(`error: ${failed}\n`);
          process.exitCode = 1;
        }
      } finally {
        progress.end();
        interrupts.dispose();
        await adapter.close?.();
      }
    });
}
