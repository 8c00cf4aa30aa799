// Run names in a cluster (SPEC §1.3, §15): the default `<scenario>-YYYYMMDD-HHMMSS` and the 40-character limit that
// leaves room for Job pod names. Must not plan or talk to a cluster.

import { UsageError } from '../core/errors.js';

/** Longest run name in a cluster: Job pods append `-<index>-<5 chars>` and query Jobs `-query-<group>`. */
export const CLUSTER_RUN_NAME_MAX = 40;

/** `<scenario>-YYYYMMDD-HHMMSS` in UTC, the scenario part cut so the whole fits CLUSTER_RUN_NAME_MAX. */
export function clusterRunName(scenarioName: string, now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-`
    + `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  const room = CLUSTER_RUN_NAME_MAX - stamp.length - 1;
  const head = scenarioName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, room).replace(/^-+|-+$/g, '');
  return `${head || 'run'}-${stamp}`;
}

export function checkClusterRunName(name: string): void {
  if (name.length > CLUSTER_RUN_NAME_MAX) {
    throw new UsageError(`--run-name: ${JSON.stringify(name)} has ${name.length} characters; a cluster run name may have at most `
      + `${CLUSTER_RUN_NAME_MAX} (its Jobs' pod names add the worker index and a suffix, and must stay within 63)`);
  }
}
