// How many CPUs this process may really use: the cgroup v2/v1 quota when set, else the machine's
// available parallelism. Must not sample usage (the process sampler does).

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The CPU limit in cores (fractional when the quota is fractional). */
export function cpuLimitCores(): number {
  const host = availableParallelism();
  const v2 = readText('/sys/fs/cgroup/cpu.max');
  if (v2) {
    const [quota, period] = v2.split(/\s+/);
    if (quota && quota !== 'max' && period) {
      const cores = Number(quota) / Number(period);
      if (cores > 0) return Math.min(host, cores);
    }
    return host;
  }
  const q = readText('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const p = readText('/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  if (q && p && Number(q) > 0 && Number(p) > 0) return Math.min(host, Number(q) / Number(p));
  return host;
}
