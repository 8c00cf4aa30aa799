// The words of `incidentbench demo`: what is missing and how to install it, the Docker alternative, the stack's
// addresses, and how to benchmark a real platform afterwards. Must not probe, start or print anything itself.

import { isAbsolute, relative } from 'node:path';
import type { MissingPrerequisite } from '../control/local-stack/prerequisites.js';
import type { RunPlan } from '../scenario/plan-types.js';

/** Files the demo's messages name, as absolute paths in the installed package. */
export interface DemoFiles {
  /** scenarios/smoke.yaml, the scenario the demo runs. */
  scenario: string;
  /** scenarios/sre-outage.yaml, the full-size scenario for a real platform. */
  flagship: string;
  compose: string;
  clickhouseTargetConfig: string;
}

/** `path` relative to `cwd` when it lies inside it (what a user would type there), else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The two commands that run the smoke scenario against manifests/local with Docker instead. */
export function dockerAlternative(files: DemoFiles, cwd: string): string[] {
  return [
    `docker compose -f ${displayPath(files.compose, cwd)} up -d --wait`,
    `incidentbench run ${displayPath(files.scenario, cwd)} --target clickhouse --target-config `
      + `${displayPath(files.clickhouseTargetConfig, cwd)} --kafka localhost:9092`,
  ];
}

/** One message: what is missing and why, the apt-get line that installs all of it, and the Docker alternative. */
export function missingPrerequisitesMessage(missing: readonly MissingPrerequisite[], files: DemoFiles, cwd: string): string {
  const forKafka = missing.filter((m) => m.name !== 'clickhouse-server').map((m) => m.what);
  const forClickHouse = missing.filter((m) => m.name === 'clickhouse-server').map((m) => m.what);
  const parts = [
    ...(forKafka.length > 0 ? [`${joinAnd(forKafka)} (to build the local Kafka)`] : []),
    ...(forClickHouse.length > 0 ? [`${joinAnd(forClickHouse)} (the local ClickHouse)`] : []),
  ];
  const packages = [...new Set(missing.flatMap((m) => m.packages))];
  return [
    `incidentbench demo: cannot start the local stack; missing ${parts.join('; ')}.`,
    'Install (Debian/Ubuntu), then run incidentbench demo again:',
    `  sudo apt-get install -y ${packages.join(' ')}`,
    'Or, with Docker, run the smoke scenario against the compose stack instead:',
    ...dockerAlternative(files, cwd).map((l) => `  ${l}`),
    '',
  ].join('\n');
}

/** The YAML target config the demo writes for its ClickHouse. */
export function clickhouseTargetYaml(url: string): string {
  return [
    '# ClickHouse of `incidentbench demo` (a throw-away local server; gone when the demo ends unless --keep-stack).',
    '# It reaches the local Kafka at the run\'s bootstrap address, so kafka_broker_list is not needed.',
    `url: ${url}`,
    '# 18.x writes a Kafka table\'s rows when a block is full or the topic has nothing more: small blocks make them',
    '# searchable while events keep arriving.',
    'kafka_max_block_size: 100',
    '',
  ].join('\n');
}

/** After the report: what the smoke scenario is, and how to benchmark a real platform. */
export function afterRunLines(plan: RunPlan, files: DemoFiles, cwd: string): string[] {
  const maxEps = Math.max(0, ...plan.phases.map((p) => p.targetEps));
  const maxQps = Math.max(0, ...plan.phases.map((p) => p.targetQps));
  const scaled = plan.scaling.durationScale !== 1 || plan.scaling.rateScale !== 1
    ? ` (scaled: --duration-scale ${plan.scaling.durationScale} --rate-scale ${plan.scaling.rateScale})` : '';
  return [
    `${displayPath(files.scenario, cwd)} is laptop-scale: ${plan.phases.length} phases, ${plan.totals.durationS} s, up to `
      + `${maxEps} EPS and ${maxQps} QPS${scaled}, against a throw-away local stack — a demonstration, not a benchmark.`,
    'To benchmark your own platform, give a run its address, a target config and your Kafka:',
    `  incidentbench run ${displayPath(files.flagship, cwd)} --target `
      + 'clickhouse|opensearch|elasticsearch|mach5 --target-config <your target config.yaml> --kafka <host:port of your Kafka>',
    '(target configs: README "Target configs"; a Docker stack with Kafka, ClickHouse and OpenSearch: '
      + `${displayPath(files.compose, cwd)})`,
  ];
}

/** With --keep-stack: where the stack is and how to use it, until Ctrl-C. */
export function keptStackLines(bootstrap: string, clickhouseUrl: string, targetConfig: string, files: DemoFiles, cwd: string): string[] {
  return [
    'The local stack keeps running (--keep-stack); Ctrl-C stops it.',
    `  Kafka bootstrap: ${bootstrap}`,
    `  ClickHouse:      ${clickhouseUrl}`,
    `  target config:   ${displayPath(targetConfig, cwd)}`,
    'Another run against it:',
    `  incidentbench run ${displayPath(files.scenario, cwd)} --target clickhouse --target-config ${displayPath(targetConfig, cwd)} `
      + `--kafka ${bootstrap}`,
  ];
}
