// `incidentbench validate <scenario>…`: checks files and prints every problem, located (SPEC §3.1).
// Must not build plans or touch the network.

import type { Command } from 'commander';
import { ConfigError, formatProblem } from '../../core/errors.js';
import { loadScenarioFile } from '../../scenario/load-scenario.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check scenario files and print all problems')
    .argument('<scenario...>', 'scenario YAML files')
    .action((files: string[]) => {
      let failed = 0;
      let problems = 0;
      for (const file of files) {
        try {
          const loaded = loadScenarioFile(file);
          for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
          process.stdout.write(`ok ${file}\n`);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          failed++;
          problems += err.problems.length;
          for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
        }
      }
      if (failed > 0) {
        process.stderr.write(`${problems} problem${problems === 1 ? '' : 's'} in ${failed} of ${files.length} `
          + `file${files.length === 1 ? '' : 's'}\n`);
        process.exitCode = 1;
      }
    });
}
