// `incidentbench prepare | cleanup | query` (SPEC §14): the target's side of a run on its own — create or remove
// topics and target objects (cleanup also from a plan.json: the operator's cleanup Job), or compile and run each
// query once. Must not run a benchmark.

import type { Command } from 'commander';
import { explainCompiled } from '../../adapters/explain.js';
import { streamContexts } from '../../adapters/stream-contexts.js';
import { formatProblem, UsageError } from '../../core/errors.js';
import { Logger } from '../../core/logger.js';
import { readPlanFile } from '../../control/plan-source.js';
import { cleanupRun, prepareRun, adapterFor } from '../../control/target-session.js';
import { kafkaSettingsFromEnv, type KafkaSettings } from '../../kafka/kafka-config.js';
import { VariableBinder } from '../../query-runner/variable-binder.js';
import type { RunPlan } from '../../scenario/plan-types.js';
import { addRunFlags, planStandalone, type RunFlags } from '../run-flags.js';

type Flags = RunFlags & { json?: boolean; name?: string[]; explain?: boolean; verbose?: boolean };

/** Run flags a plan file already fixes; with --plan only --kafka (and --verbose) may be given. */
const PLAN_FIXED_FLAGS = ['target', 'targetConfig', 'runName', 'seed', 'durationScale', 'rateScale', 'ingestWorkers', 'threads',
  'queryWorkers', 'threshold', 'eventsTopic', 'drainTimeout', 'readyTimeout', 'reuseTarget', 'partitions', 'acks', 'compression',
  'maxInflightBatches', 'maxInFlight', 'k8s'] as const satisfies readonly (keyof RunFlags)[];

/** `cleanup <scenario> [run flags]` or `cleanup --plan F [--kafka B]`: exactly one of the two. */
function cleanupPlan(file: string | undefined, f: Flags & { plan?: string }): RunPlan {
  if ((file === undefined) === (f.plan === undefined)) {
    throw new UsageError(file === undefined ? 'cleanup: give a scenario file or --plan <plan.json>'
      : `cleanup: give either the scenario ${JSON.stringify(file)} or --plan ${JSON.stringify(f.plan)}, not both`);
  }
  if (f.plan === undefined) return planStandalone(file!, f).plan;
  const given = PLAN_FIXED_FLAGS.filter((k) => f[k] !== undefined).map(flagName);
  if (f.manageTopics === false) given.push('--no-manage-topics');
  if (f.freshness === false) given.push('--no-freshness');
  if (given.length > 0) {
    throw new UsageError(`cleanup --plan: the plan fixes the run; drop ${given.join(', ')} (only --kafka may override it)`);
  }
  const { plan } = readPlanFile(f.plan);
  return f.kafka !== undefined ? { ...plan, kafka: { ...plan.kafka, bootstrap: f.kafka.split(',').map((b) => b.trim()).filter((b) => b !== '') } } : plan;
}

/** `targetConfig` → `--target-config`. */
function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function kafkaOf(plan: RunPlan, required: boolean): KafkaSettings | null {
  if (plan.kafka.bootstrap.length === 0) {
    if (required) throw new UsageError('--kafka <bootstrap> is required: the scenario has data streams');
    return null;
  }
  return kafkaSettingsFromEnv(process.env, { bootstrap: plan.kafka.bootstrap });
}

function loggerOf(f: Flags): Logger {
  return new Logger({ role: 'cli', level: f.verbose ? 'debug' : 'warn', json: f.json ?? false });
}

export function registerTargetCommands(program: Command): void {
  addRunFlags(program.command('prepare').description('create the run\'s topics and target objects; print the result')
    .argument('<scenario>').option('--json', 'JSON output').option('--verbose', 'debug logging'))
    .action(async (file: string, f: Flags) => {
      const { plan, loaded } = planStandalone(file, f);
      for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
      const logger = loggerOf(f);
      const adapter = adapterFor(plan, logger, f.targetConfig);
      try {
        const { prepared, topicWarnings } = await prepareRun(plan, adapter, kafkaOf(plan, plan.streams.length > 0), logger);
        for (const w of [...topicWarnings, ...(prepared.warnings ?? [])]) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`${JSON.stringify(prepared, null, f.json ? 0 : 2)}\n`);
      } finally {
        await adapter.close?.();
      }
    });

  addRunFlags(program.command('cleanup').description('remove the run\'s target objects and topics (idempotent)')
    .argument('[scenario]', 'scenario YAML file (or --plan)')
    .option('--plan <file>', 'the run\'s plan.json instead of a scenario and run flags (the operator\'s cleanup Job)')
    .option('--verbose', 'debug logging'))
    .action(async (file: string | undefined, f: Flags & { plan?: string }) => {
      const plan = cleanupPlan(file, f);
      const logger = loggerOf(f);
      const adapter = adapterFor(plan, logger, f.plan === undefined ? f.targetConfig : undefined);
      try {
        for (const w of await cleanupRun(plan, adapter, kafkaOf(plan, false), logger)) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`cleaned up run ${plan.run.name}\n`);
      } finally {
        await adapter.close?.();
      }
    });

  addRunFlags(program.command('query').description('compile (and without --explain run once) each query')
    .argument('<scenario>')
    .option('--name <query...>', 'only these queries')
    .option('--explain', 'print the native query text, run nothing')
    .option('--json', 'one JSON object per query')
    .option('--verbose', 'debug logging'))
    .action(async (file: string, f: Flags) => {
      const { plan } = planStandalone(file, f);
      const logger = loggerOf(f);
      const adapter = adapterFor(plan, logger, f.targetConfig);
      const all = [...plan.scenario.queries, ...(plan.scenario.session?.categories.flatMap((c) => c.queries) ?? [])];
      const names = all.map((q) => q.name);
      for (const n of f.name ?? []) {
        if (!names.includes(n)) throw new UsageError(`--name: no query ${JSON.stringify(n)}; expected one of ${names.join(', ')}`);
      }
      const queries = f.name ? all.filter((q) => f.name!.includes(q.name)) : all;
      const streams = streamContexts(plan);
      try {
        const endpoints = f.explain ? {} : await adapter.queryEndpoints();
        const endpoint = Object.values(endpoints)[0];
        if (!f.explain && endpoint === undefined) throw new UsageError('the target reported no query endpoint');
        // recently_ingested values are reconstructed as if the run had started one timeline ago.
        const t0 = Math.floor((Date.now() - plan.totals.durationS * 1000) / 1000) * 1000;
        for (const q of queries) {
          const compiled = adapter.compile(q, streams.find((s) => s.name === q.stream) ?? null);
          const native = explainCompiled(compiled);
          if (f.explain) {
            process.stdout.write(f.json ? `${JSON.stringify({ name: q.name, native })}\n` : `-- ${q.name}\n${native}\n\n`);
            continue;
          }
          const vars = new VariableBinder(plan, q, t0, plan.run.seed).bind(0, Date.now());
          const ac = new AbortController();
          const timer = setTimeout(() => ac.abort(), q.timeoutMs);
          const start = performance.now();
          const r = await adapter.execute(compiled, vars, endpoint!, ac.signal);
          clearTimeout(timer);
          const latencyMs = Number((performance.now() - start).toFixed(3));
          if (f.json) {
            process.stdout.write(`${JSON.stringify({ name: q.name, ok: r.ok, hits: r.hits, latency_ms: latencyMs, native,
              ...(r.ok ? {} : { error_class: r.errorClass, error: r.error }) })}\n`);
          } else {
            process.stdout.write(`${q.name.padEnd(28)} ${r.ok ? 'ok   ' : 'FAIL '} hits ${String(r.hits ?? '-').padStart(9)}  `
              + `${latencyMs.toFixed(1).padStart(9)} ms${r.ok ? '' : `  ${r.errorClass}: ${r.error ?? ''}`}\n`);
          }
          if (!r.ok) process.exitCode = 1;
        }
      } finally {
        await adapter.close?.();
      }
    });
}
