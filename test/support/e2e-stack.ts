// The local stack of an end-to-end test file: one test Kafka and one ClickHouse, a scratch folder, target configs
// per run, the `incidentbench run` command line of a scaled smoke run, and row counts read over ClickHouse's HTTP
// interface. Must not be used outside tests, nor stop anything it did not start.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { startClickHouse, type TestClickHouse } from './clickhouse/index.js';
import { startTestKafka, type TestKafka } from './test-kafka/index.js';

/** The repository root (the CLI resolves scenarios/… against it). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SMOKE = 'scenarios/smoke.yaml';

export interface SmokeRunOptions {
  run: string;
  /** Target config file (see targetConfig). */
  targetConfig: string;
  durationScale: number;
  rateScale: number;
  /** More flags, e.g. ['--drain-timeout', '20']. */
  extra?: string[];
}

export interface E2eStack {
  readonly kafka: TestKafka;
  readonly ch: TestClickHouse;
  /** Scratch folder: target configs and each run's --out folder. */
  readonly dir: string;
  /** A fresh DNS-1123 run name: `<label>-<6 hex>` (topics and consumer groups are per run name). */
  runName(label: string): string;
  /** Writes a ClickHouse target config for this stack (url + the given lines) and returns its path. */
  targetConfig(name: string, lines?: string[]): string;
  /** The --out folder of a run. */
  outDir(run: string): string;
  /** `run <scenario> --target clickhouse …` against this stack, with the run's --out folder and more flags. */
  runArgs(scenario: string, run: string, targetConfig: string, extra?: string[]): string[];
  /** `run scenarios/smoke.yaml …` against this stack's Kafka and ClickHouse. */
  smokeRunArgs(o: SmokeRunOptions): string[];
  /** One value of a ClickHouse query over HTTP. */
  query(sql: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startE2eStack(): Promise<E2eStack> {
  const [kafka, ch] = await Promise.all([startTestKafka(), startClickHouse()]);
  const dir = mkdtempSync(join(tmpdir(), 'ib-e2e-'));
  const outDir = (run: string) => join(dir, 'out', run);
  const runArgs = (scenario: string, run: string, targetConfig: string, extra: string[] = []) => ['run', scenario,
    '--target', 'clickhouse', '--target-config', targetConfig, '--kafka', kafka.bootstrap, '--out', outDir(run), '--run-name', run,
    ...extra];
  return {
    kafka,
    ch,
    dir,
    runName: (label) => `${label}-${randomBytes(3).toString('hex')}`,
    targetConfig(name, lines = []) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, [`url: ${ch.url}`, ...lines, ''].join('\n'));
      return file;
    },
    outDir,
    runArgs,
    smokeRunArgs: (o) => runArgs(SMOKE, o.run, o.targetConfig,
      ['--duration-scale', String(o.durationScale), '--rate-scale', String(o.rateScale), ...(o.extra ?? [])]),
    async query(sql) {
      const res = await fetch(`${ch.url}/?query=${encodeURIComponent(sql)}`, { signal: AbortSignal.timeout(30_000) });
      const text = (await res.text()).trim();
      if (!res.ok) throw new Error(`ClickHouse answered HTTP ${res.status} to ${sql}: ${text.slice(0, 300)}`);
      return text;
    },
    async stop() {
      await Promise.all([kafka.stop(), ch.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
