// Whether an ingest worker's lane threads fit the CPUs it is given (SPEC §6.1, §10.4): in a pod the cgroup CPU limit,
// not the node's cores, bounds how many lanes run at once, and lanes beyond it saturate the worker. Must not read the
// cgroup (metrics/cpu-limit.ts does) nor log.

/** The warning for `threads` lane threads under a limit of `cpuLimitCores` cores, or null when they fit. */
export function laneThreadsWarning(threads: number, cpuLimitCores: number): string | null {
  if (!(cpuLimitCores > 0) || threads <= cpuLimitCores) return null;
  const cores = Number(cpuLimitCores.toFixed(2));
  return `${threads} lane thread${threads === 1 ? '' : 's'} but a CPU limit of ${cores} core${cores === 1 ? '' : 's'}: `
    + 'lane threads beyond the cores the worker is given saturate it; lower --threads (workers.ingest.threads) '
    + `to at most ${Math.max(1, Math.floor(cpuLimitCores))} or raise the CPU limit`;
}
