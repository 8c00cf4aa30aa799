// Builds the mock-kafka helper (mock-kafka.c against librdkafka) with the system C compiler, once per machine and source
// version, into the user's cache folder. Must not install anything, run the program, or write into the package's folder.

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KafkaError } from '../../core/errors.js';
import { findRepoRoot } from './package-root.js';
import { userCacheDir } from './user-cache-dir.js';

export { findRepoRoot } from './package-root.js';

export const INSTALL_HINT = 'install librdkafka-dev: apt-get install -y librdkafka-dev';

/** Compiler flags before the output and source, and the libraries after them; part of the build key. */
const COMPILE_FLAGS = ['-std=c11', '-O2', '-Wall', '-pthread'] as const;
const LIBRARIES = ['-lrdkafka'] as const;

export interface MockKafkaPaths {
  /** mock-kafka.c in the package (shipped through package.json "files"). */
  source: string;
  /** The compiled helper in the cache folder, named after the build key. */
  binary: string;
}

/** The source file's place in the package rooted at `root`. */
export function mockKafkaSource(root: string = findRepoRoot()): string {
  return join(root, 'src', 'control', 'local-stack', 'mock-kafka.c');
}

/**
 * The hash naming a build: the source text, the compile flags and the platform. Another source version gets another
 * binary, so a stale one is never used and two versions side by side do not fight over one file.
 */
export function mockKafkaBuildKey(sourceText: string | Buffer, platform = `${process.platform}-${process.arch}`): string {
  const h = createHash('sha256');
  h.update(`${platform}\0${COMPILE_FLAGS.join(' ')}\0${LIBRARIES.join(' ')}\0`);
  h.update(sourceText);
  return h.digest('hex').slice(0, 16);
}

/** Where the source is and where its binary goes; throws KafkaError when the source is missing (a broken install). */
export function mockKafkaPaths(root: string = findRepoRoot(), cacheDir: string = userCacheDir()): MockKafkaPaths {
  const source = mockKafkaSource(root);
  let text: Buffer;
  try {
    text = readFileSync(source);
  } catch (err) {
    throw new KafkaError(`mock-kafka source missing: ${source} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}); `
      + 'reinstall incidentbench', { cause: err });
  }
  return { source, binary: join(cacheDir, `mock-kafka-${mockKafkaBuildKey(text)}`) };
}

/** True when the binary of this source version has not been built yet. */
export function needsBuild(paths: MockKafkaPaths): boolean {
  return !existsSync(paths.binary);
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
 * Returns the path of the mock-kafka binary, compiling it first when this source version has not been built on this
 * machine. Concurrent callers in one process share one build; concurrent processes may both compile, and the binary
 * appears atomically (temp file + rename), identical either way. The compiler is $CC (one program, no arguments) or
 * `cc`. Throws KafkaError with a one-line message (INSTALL_HINT when librdkafka-dev is missing).
 */
export function buildMockKafka(): Promise<string> {
  pending ??= build().finally(() => {
    pending = undefined;
  });
  return pending;
}

async function build(): Promise<string> {
  const paths = mockKafkaPaths();
  if (!needsBuild(paths)) return paths.binary;
  const dir = dirname(paths.binary);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new KafkaError(`cannot create the build cache folder ${dir}: ${(err as Error).message}; `
      + 'set XDG_CACHE_HOME to a writable folder', { cause: err });
  }
  const temp = `${paths.binary}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const compiler = process.env['CC'] || 'cc';
  const args = [...COMPILE_FLAGS, '-o', temp, paths.source, ...LIBRARIES];
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
