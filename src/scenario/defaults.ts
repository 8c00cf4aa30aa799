// The one place where harness and scenario defaults live (SPEC §20); `plan` prints what they
// resolved to. Must not read the environment or the machine — callers pass CPU counts in.

export const DEFAULTS = {
  batchSize: 500,
  defaultTimeoutMs: 10_000,
  maxInflightBatches: 4,
  maxInFlight: 256,
  readyTimeoutS: 120,
  connectTimeoutS: 10,
  /** drain timeout = max(drainTimeoutBaseS × duration_scale, drainTimeoutMinS) */
  drainTimeoutBaseS: 120,
  drainTimeoutMinS: 10,
  acks: -1 as const,
  compression: 'none',
  minEventPartitions: 4,
  freshnessIntervalS: 1,
  recentlyIngestedLagS: 10,
  /** Phases shorter than this are invalid at scale 1 and a warning when scaled down (SPEC §12.1). */
  minPhaseDurationS: 30,
  local: { ingestWorkers: 1, queryWorkersPerGroup: 1 },
  cluster: { ingestWorkers: 10, threads: 2, queryWorkersPerGroup: 4 },
  /**
   * Sustained acked EPS of one lane thread, measured by `npm run bench -- ingest` on the 2-core dev machine
   * (≈ 120 k EPS with 2 lane threads into the test Kafka); `plan` warns when a lane's rate exceeds it.
   */
  laneCapacityEps: 60_000,
  seed: 0,
  t0: Date.UTC(2026, 0, 1),
} as const;

/** Local default threads per ingest worker: max(1, CPUs − 1), CPUs cgroup-aware (caller measures). */
export function defaultLocalThreads(cpus: number): number {
  return Math.max(1, Math.floor(cpus) - 1);
}

export function defaultDrainTimeoutS(durationScale: number): number {
  return Math.max(DEFAULTS.drainTimeoutMinS, Math.round(DEFAULTS.drainTimeoutBaseS * durationScale));
}
