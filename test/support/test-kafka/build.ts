// Builds the mock-kafka helper (mock-kafka.c against librdkafka) with the system C compiler, once per source change.
// Must not install anything or run the program; it only compiles, into the gitignored test/support/.build/.

import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaError } from '../../../src/core/errors.js';

export const INSTALL_HINT = 'install librdkafka-dev: apt-get install -y librdkafka-dev';

/** The folder holding package.json, found by walking up from `from` (this file lives in src or dist). */
export function findRepoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new KafkaError(`cannot find the repository root (package.json) above ${from}`);
    dir = parent;
  }
}

export interface MockKafkaPaths {
  source: string;
  binary: string;
}

export function mockKafkaPaths(root: string = findRepoRoot()): MockKafkaPaths {
  return {
    source: join(root, 'test', 'support', 'test-kafka', 'mock-kafka.c'),
    binary: join(root, 'test', 'support', '.build', 'mock-kafka'),
  };
}

/** True when the binary is missing or older than its source. */
export function needsBuild(paths: MockKafkaPaths): boolean {
  if (!existsSync(paths.binary)) return true;
  return statSync(paths.source).mtimeMs > statSync(paths.binary).mtimeMs;
}

/** One line saying why compiling failed, naming the package to install when that is the cause. */
export function explainCompileFailure(compiler: string, output: string, spawnCode?: string): string {
  if (spawnCode === 'ENOENT') return `C compiler '${compiler}' not found; install one: apt-get install -y gcc`;
  if (/librdkafka\/rdkafka(_mock)?\.h: No such file|cannot find -lrdkafka/.test(output)) return INSTALL_HINT;
  const firstError = output.split('\n').find((l) => /error/i.test(l)) ?? output.split('\n')[0] ?? '';
  return `building mock-kafka failed: ${firstError.trim()}`;
}

let pending: Promise<string> | undefined;

/**
 * Returns the path of the mock-kafka binary, compiling it first when it is missing or older than
 * mock-kafka.c. Concurrent callers share one build; the binary appears atomically (temp file + rename).
 * The compiler is $CC (one program, no arguments) or `cc`. Throws KafkaError with a one-line message
 * (INSTALL_HINT when librdkafka-dev is missing).
 */
export function buildMockKafka(): Promise<string> {
  pending ??= build().finally(() => {
    pending = undefined;
  });
  return pending;
}

async function build(): Promise<string> {
  const paths = mockKafkaPaths();
  if (!existsSync(paths.source)) throw new KafkaError(`mock-kafka source missing: ${paths.source}`);
  if (!needsBuild(paths)) return paths.binary;
  await mkdir(dirname(paths.binary), { recursive: true });
  const temp = `${paths.binary}.${process.pid}.tmp`;
  const compiler = process.env['CC'] || 'cc';
  const args = ['-std=c11', '-O2', '-Wall', '-pthread', '-o', temp, paths.source, '-lrdkafka'];
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(compiler, args, { maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
        if (!err) return resolve();
        const code = (err as NodeJS.ErrnoException).code;
        reject(new KafkaError(explainCompileFailure(compiler, stderr, typeof code === 'string' ? code : undefined), { cause: err }));
      });
    });
    await rename(temp, paths.binary);
  } finally {
    await rm(temp, { force: true });
  }
  return paths.binary;
}
