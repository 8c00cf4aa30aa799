// `incidentbench version`: the program's version and the runtime it runs on.
// Must not contact anything.

import type { Command } from 'commander';
import { VERSION } from '../../core/version.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the version')
    .option('--json', 'as JSON')
    .action((flags: { json?: boolean }) => {
      const info = { incidentbench: VERSION, node: process.versions.node, platform: `${process.platform}-${process.arch}` };
      process.stdout.write(flags.json ? `${JSON.stringify(info)}\n`
        : `incidentbench ${info.incidentbench} (node ${info.node}, ${info.platform})\n`);
    });
}
