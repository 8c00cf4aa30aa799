// What the local stack needs on this machine before anything starts (SPEC §16 "Demo"): a C compiler and librdkafka-dev
// to build the local Kafka (unless it is built already), and clickhouse-server. Must not install, build or start anything.

import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findClickHouseServer } from './local-clickhouse.js';
import { mockKafkaPaths, needsBuild } from './mock-kafka-build.js';

export type PrerequisiteName = 'c-compiler' | 'libc-headers' | 'librdkafka-dev' | 'clickhouse-server';

export interface MissingPrerequisite {
  name: PrerequisiteName;
  /** What is missing, in words, e.g. "a C compiler ('cc' on PATH)". */
  what: string;
  /** Debian/Ubuntu packages that provide it. */
  packages: readonly string[];
}

/** What the probe may look at; injectable so tests can describe any machine. */
export interface ProbedSystem {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  isFile(path: string): boolean;
  isExecutable(path: string): boolean;
  /** True when the mock-kafka helper of this source version is built already (no compiler needed then). */
  mockKafkaBuilt(): boolean;
  /** True when clickhouse-server (or the single `clickhouse` binary) is found. */
  clickHouseFound(): boolean;
}

export const thisSystem: ProbedSystem = {
  env: process.env,
  platform: process.platform,
  isFile: (path) => existsSync(path),
  isExecutable: (path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  mockKafkaBuilt: () => !needsBuild(mockKafkaPaths()),
  clickHouseFound: () => findClickHouseServer() !== null,
};

/** Where the C compiler looks for headers by default, plus CPATH and C_INCLUDE_PATH. */
function includeDirs(env: ProbedSystem['env']): string[] {
  const fromEnv = [env['CPATH'], env['C_INCLUDE_PATH']].flatMap((v) => (v ?? '').split(delimiter)).filter((d) => d !== '');
  return [...fromEnv, '/usr/local/include', '/usr/include', '/opt/homebrew/include', '/opt/local/include'];
}

function findCompiler(sys: ProbedSystem): { name: string; found: boolean } {
  const name = sys.env['CC'] || 'cc';
  if (name.includes('/')) return { name, found: sys.isExecutable(name) };
  const dirs = (sys.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  return { name, found: dirs.some((d) => sys.isExecutable(join(d, name))) };
}

/** Everything missing, in install order; empty when the demo can start. */
export function probeLocalStack(sys: ProbedSystem = thisSystem): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  if (!sys.mockKafkaBuilt()) {
    const compiler = findCompiler(sys);
    const header = (h: string) => includeDirs(sys.env).some((d) => sys.isFile(join(d, h)));
    if (!compiler.found) {
      missing.push({ name: 'c-compiler', what: `a C compiler ('${compiler.name}' on PATH)`, packages: ['gcc', 'libc6-dev'] });
    } else if (sys.platform === 'linux' && !header('stdio.h')) {
      // Elsewhere the C library's headers live inside the compiler's SDK, not in an include folder we can look at.
      missing.push({ name: 'libc-headers', what: 'the C library headers (stdio.h)', packages: ['libc6-dev'] });
    }
    if (!header(join('librdkafka', 'rdkafka_mock.h'))) {
      missing.push({ name: 'librdkafka-dev', what: 'librdkafka-dev (librdkafka/rdkafka_mock.h)', packages: ['librdkafka-dev'] });
    }
  }
  if (!sys.clickHouseFound()) {
    missing.push({ name: 'clickhouse-server', what: 'clickhouse-server (looked in PATH, /usr/sbin, /usr/bin)', packages: ['clickhouse-server'] });
  }
  return missing;
}
