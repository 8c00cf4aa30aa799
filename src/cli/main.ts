#!/usr/bin/env node
// Entry point of the `incidentbench` program: runs the commander program and turns errors into
// one-line messages and exit codes (SPEC §14). Must not hold command logic.

import { CommanderError } from 'commander';
import { ConfigError, IncidentBenchError } from '../core/errors.js';
import { createProgram } from './program.js';

async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    if (err instanceof ConfigError) {
      for (const p of err.message.split('\n')) process.stderr.write(`${p}\n`);
      const n = err.problems.length;
      process.stderr.write(`${n} problem${n === 1 ? '' : 's'} found\n`);
      return 1;
    }
    if (err instanceof IncidentBenchError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`internal error (please report): ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
