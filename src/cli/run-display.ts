// A local run shown the way `incidentbench run` shows it (SPEC §14): the start line, the progress line or the --live
// TUI, warnings once each, every log line in <out>/harness.log, and the summary. Must not parse flags, listen for
// signals or start anything besides runLocal — the command owns those.

import { Logger } from '../core/logger.js';
import { systemTimers } from '../core/timers.js';
import { runLocal } from '../control/local-run.js';
import type { KafkaSettings } from '../kafka/kafka-config.js';
import { planHash } from '../scenario/plan.js';
import type { RunPlan } from '../scenario/plan-types.js';
import type { LiveMessage, RunSummary } from '../stream-agg/live-types.js';
import type { RunJson } from '../stream-agg/run-result-types.js';
import { formatRunSummary } from './live-line.js';
import { RunLogSink } from './run-log-sink.js';
import { RunProgress, type ProgressStream } from './run-progress.js';
import { LiveTui } from './tui/live-tui.js';

export interface ShownRunOptions {
  plan: RunPlan;
  kafka: KafkaSettings;
  targetConfigFile?: string;
  /** The scenario file's text, copied into the output folder. */
  scenarioText: string | null;
  outDir: string;
  /** --live: the TUI when stdout is a terminal, else progress lines (said once). */
  live: boolean;
  /** --verbose: every log line is shown, not only warnings and errors. */
  verbose: boolean;
  /** --cleanup: adapter cleanup and topic deletion after the report. */
  cleanup: boolean;
  localWorkers?: { ingest: number; query: number };
  /** Aborted at Ctrl-C: the run aborts, flushes and writes a partial report (exit code 130). */
  signal: AbortSignal;
  /** Warnings the caller knows to be expected in its setup: written to harness.log, counted, not shown. */
  isExpected?: (warning: string) => boolean;
  stdout?: ProgressStream & NodeJS.WritableStream;
  stderr?: ProgressStream;
}

export interface ShownRun {
  run: RunJson;
  /** Why the run failed (a worker died, …), or null. */
  failed: string | null;
  /** How many warnings `isExpected` kept off the screen. */
  hiddenWarnings: number;
}

/** Runs `runLocal` with the progress display; the summary is left to the caller (see summaryLines). */
export async function runShowingProgress(o: ShownRunOptions): Promise<ShownRun> {
  const { plan } = o;
  const stdout = o.stdout ?? process.stdout;
  const stderr = o.stderr ?? process.stderr;
  const tuiWanted = o.live && stdout.isTTY === true;
  if (o.live && !tuiWanted) stderr.write('--live: stdout is not a terminal; showing progress lines instead\n');
  const progress = new RunProgress(stderr);
  const tui = tuiWanted ? new LiveTui(plan.run.name, stdout, { color: colourWanted(stdout) }) : null;
  const shown: string[] = [];
  let hiddenWarnings = 0;
  const show = (line: string): void => {
    if (o.isExpected?.(line)) {
      hiddenWarnings++;
      return;
    }
    shown.push(line);
    if (tui) tui.note(line);
    else progress.line(line);
  };
  /** A warning the run returns is usually one a log line showed already; it is shown once. */
  const warn = (w: string): void => {
    if (shown.some((line) => line.includes(w))) return;
    show(`warning: ${w}`);
  };
  const sink = new RunLogSink(o.outDir, show, o.verbose);
  const level = o.verbose ? 'debug' : 'info';
  const logger = new Logger({ json: true, level, run: plan.run.name, role: 'run', sink });
  const onAbort = (): void => progress.line('interrupted: aborting the run, flushing, writing a partial report (Ctrl-C again to quit at once)');
  o.signal.addEventListener('abort', onAbort, { once: true });
  // A forced exit (second Ctrl-C) must not leave the terminal in the TUI's screen.
  const restoreTerminal = (): void => void tui?.close();
  process.once('exit', restoreTerminal);
  progress.line(`run ${plan.run.name}: ${plan.scenario.name} ${plan.scenario.version} against ${plan.target?.adapter ?? '(no target)'}, `
    + `${plan.totals.durationS} s, ${plan.totals.events} events, ${plan.totals.queries} queries; output ${o.outDir}`);
  tui?.open();
  try {
    const result = await runLocal({ plan, planHash: planHash(plan), kafka: o.kafka,
      ...(o.targetConfigFile ? { targetConfigFile: o.targetConfigFile } : {}), scenarioText: o.scenarioText, outDir: o.outDir,
      logger, logLevel: level, timers: systemTimers, signal: o.signal, cleanup: o.cleanup,
      onLive: (m: LiveMessage) => (tui ? tui.show(m) : progress.show(m)),
      ...(o.localWorkers ? { localWorkers: o.localWorkers } : {}),
      onPrepared: (warnings) => warnings.forEach(warn) });
    result.warnings.forEach(warn);
    return { run: result.run, failed: result.failed, hiddenWarnings };
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    process.off('exit', restoreTerminal);
    const held = tui?.close();
    progress.end();
    for (const line of [...(held?.notes ?? []), ...(held?.problems ?? [])]) stderr.write(`${line}\n`);
    sink.close();
  }
}

/** The summary `run` prints at the end: verdict, scorecard, violations, warnings, thresholds, report folder. */
export function summaryLines(plan: RunPlan, run: RunJson, reportDir: string | null): string[] {
  const summary: RunSummary = { v: 1, kind: 'summary', run: plan.run.name, runId: plan.run.id, at: Date.now(), valid: run.run.valid,
    comparable: run.run.comparable, exitCode: run.run.exit_code, scorecard: run.scorecard, violations: run.run.validity_violations,
    warnings: run.run.warnings, thresholds: run.thresholds, rules: run.rules, reportDir };
  return formatRunSummary(summary);
}

function colourWanted(out: ProgressStream): boolean {
  return out.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}
