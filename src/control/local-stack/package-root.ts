// Finds the installed IncidentBench package's root folder (the one holding package.json), from which files that tsc
// does not compile are read: mock-kafka.c, scenarios/. Must not read or interpret package.json beyond finding it.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaError } from '../../core/errors.js';

/** The folder holding package.json, found by walking up from `from` (this file lives in src or dist/src). */
export function findRepoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new KafkaError(`cannot find the repository root (package.json) above ${from}`);
    dir = parent;
  }
}
