// The commander program: one sub-command per file under commands/, registered here in the order of
// SPEC §14. Must not implement commands.

import { Command } from 'commander';
import { VERSION } from '../core/version.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerCompare } from './commands/compare.js';
import { registerCoordinator } from './commands/coordinator.js';
import { registerDemo } from './commands/demo.js';
import { registerGenerate } from './commands/generate.js';
import { registerLoad } from './commands/load.js';
import { registerMetrics } from './commands/metrics.js';
import { registerOperator } from './commands/operator.js';
import { registerPlan } from './commands/plan.js';
import { registerRender } from './commands/render.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerTargetCommands } from './commands/target-commands.js';
import { registerValidate } from './commands/validate.js';
import { registerVersion } from './commands/version.js';
import { registerWorker } from './commands/worker.js';

export function createProgram(): Command {
  const program = new Command('incidentbench')
    .description('Resilience benchmark for log analytics platforms: a log surge and a query storm at once.')
    .version(VERSION, '-V, --version-flag', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerValidate(program);
  registerPlan(program);
  registerGenerate(program);
  registerTargetCommands(program);
  registerLoad(program);
  registerRun(program);
  registerWorker(program);
  registerCoordinator(program);
  registerMetrics(program);
  registerClusterCommands(program);
  registerReport(program);
  registerCompare(program);
  registerRender(program);
  registerOperator(program);
  registerDemo(program);
  registerVersion(program);
  return program;
}
