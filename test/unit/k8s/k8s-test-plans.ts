// Run plans of the shipped scenarios with Kubernetes (cluster) defaults, with one query group or several, for the
// run-objects and manifest tests. Must not be used outside tests.

import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { planRun } from '../../../src/control/run-request.js';
import { findRepoRoot } from '../../../src/control/local-stack/package-root.js';
import { loadScenarioText } from '../../../src/scenario/load-scenario.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';

export const REPO = findRepoRoot();
export const SHIPPED_SCENARIOS = ['smoke', 'sre-outage'] as const;

const GROUPS = `
query_groups:
  - { name: oncall, weight: 0.7 }
  - { name: dashboards, weight: 0.3 }
`;

/** The plan of scenarios/<name>.yaml; `groups` adds query groups oncall and dashboards. */
export function shippedPlan(name: string, o: { run?: string; groups?: boolean; ingestWorkers?: number; threads?: number;
  queryWorkers?: number } = {}): RunPlan {
  const file = join(REPO, 'scenarios', `${name}.yaml`);
  const text = readFileSync(file, 'utf8') + (o.groups ? GROUPS : '');
  const loaded = loadScenarioText(text, file, join(REPO, 'scenarios'));
  return planRun(loaded, {
    runName: o.run ?? name,
    runId: '11111111-2222-4333-8444-555555555555',
    cluster: true,
    target: { adapter: 'clickhouse', config: { url: 'http://clickhouse:8123', password_env: 'CLICKHOUSE_PASSWORD' } },
    kafka: ['kafka:9092'],
    ...(o.ingestWorkers !== undefined ? { ingestWorkers: o.ingestWorkers } : {}),
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(o.queryWorkers !== undefined ? { queryWorkers: o.queryWorkers } : {}),
    nameOf: (s) => s,
  });
}
