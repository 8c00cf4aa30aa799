// `incidentbench plan <scenario> [run flags] [--json]`: the resolved RunPlan (SPEC §4), without
// touching Kafka or the target. Must not start any role.

import type { Command } from 'commander';
import { formatProblem } from '../../core/errors.js';
import { renderPlan } from '../plan-printer.js';
import { addRunFlags, planFromFlags, type RunFlags } from '../run-flags.js';

export function registerPlan(program: Command): void {
  addRunFlags(
    program
      .command('plan')
      .description('print the resolved run plan (= run --dry-run)')
      .argument('<scenario>', 'scenario YAML file')
      .option('--json', 'print the plan as JSON'),
  ).action((file: string, flags: RunFlags & { json?: boolean }) => {
    const { loaded, plan } = planFromFlags(file, flags);
    if (flags.json) {
      for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
      process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    } else {
      process.stdout.write(`${renderPlan(plan, loaded.warnings.map(formatProblem))}\n`);
    }
  });
}
