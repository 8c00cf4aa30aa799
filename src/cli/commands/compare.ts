// `incidentbench compare <run.json|dir> <run.json|dir>… [--out DIR] [--json]`: a baseline against contenders of the
// same scenario version (SPEC §13), as a terminal table or JSON, and compare.html. Must not recompute run metrics.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { compareRuns } from '../../report/compare.js';
import { renderCompareHtml } from '../../report/compare-html.js';
import { renderCompareText } from '../../report/compare-text.js';
import { readRunJson } from '../../report/read-run-json.js';
import type { RunJson } from '../../report/run-json-types.js';

interface CompareFlags {
  out?: string;
  json?: boolean;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare runs of one scenario version: the first is the baseline, the others contenders')
    .argument('<runs...>', 'run.json files or results directories (containing run.json)')
    .option('--out <dir>', 'also write <dir>/compare.html')
    .option('--json', 'print the comparison as JSON')
    .action((paths: string[], flags: CompareFlags) => {
      // Read every input first, so one invocation names every unreadable file.
      const runs: { run: RunJson }[] = [];
      const problems: string[] = [];
      for (const path of paths) {
        try {
          runs.push({ run: readRunJson(path) });
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          problems.push(err.message);
        }
      }
      if (problems.length > 0) {
        for (const p of problems) process.stderr.write(`error: ${p}\n`);
        process.exitCode = 1;
        return;
      }
      const result = compareRuns(runs);
      if (!result.ok) {
        process.stderr.write(`error: ${result.reason}\n`);
        process.exitCode = 1;
        return;
      }
      const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
      process.stdout.write(flags.json ? `${JSON.stringify(result.comparison, null, 2)}\n`
        : renderCompareText(result.comparison, { color }));
      if (flags.out !== undefined) {
        const file = join(flags.out, 'compare.html');
        const html = renderCompareHtml(result.comparison);
        try {
          mkdirSync(flags.out, { recursive: true });
          writeFileSync(file, html);
        } catch (err) {
          throw new UsageError(`${file}: cannot write: ${(err as Error).message}`);
        }
        process.stderr.write(`wrote ${file}\n`);
      }
    });
}
