// Time to searchable (SPEC §8.6, §11): freshness of each sentinel = the coordinator's send time of the first probe
// that found it − its ack time moved onto the coordinator's clock; censored sentinels (not found in 60 s) are larger
// than any sample, so a percentile that falls among them is null ("> 60 s"). Must not probe.

import type { FreshnessRecord } from './records.js';
import type { Timeline } from './timeline.js';
import type { FreshnessJson, FreshnessStatsJson } from './run-result-types.js';
import { SINGLE_STREAM } from './lag-series.js';
import { nearestRank } from './nearest-rank.js';

export const CENSOR_AFTER_MS = 60_000;

/** A freshness sample, ms; Infinity = censored. */
interface Sample {
  fromAck: number;
  fromSchedule: number;
  phase: string | null;
  stream: string;
  warmup: boolean;
}

/** Nearest rank (⌈p·n⌉-th smallest) where censored samples (Infinity) sort last; null when it falls among them. */
export function censoredPercentile(values: readonly number[], p: number): number | null {
  const v = nearestRank(values, p);
  return v !== null && Number.isFinite(v) ? v : null;
}

function stats(samples: readonly Sample[]): FreshnessStatsJson {
  const a = samples.map((s) => s.fromAck);
  const s = samples.map((x) => x.fromSchedule);
  return {
    found: samples.filter((x) => Number.isFinite(x.fromAck)).length,
    censored: samples.filter((x) => !Number.isFinite(x.fromAck)).length,
    p50_ms: censoredPercentile(a, 50), p99_ms: censoredPercentile(a, 99), max_ms: censoredPercentile(a, 100),
    from_schedule: { p50_ms: censoredPercentile(s, 50), p99_ms: censoredPercentile(s, 99), max_ms: censoredPercentile(s, 100) },
  };
}

export function freshnessStats(records: readonly FreshnessRecord[], timeline: Timeline, enabled: boolean,
  offsetOf: (worker: string) => number): FreshnessJson {
  const samples: Sample[] = records.map((r) => {
    const off = r.worker === undefined ? 0 : offsetOf(r.worker);
    const phase = timeline.phaseAt(Math.floor(r.scheduledAt / 1000));
    return {
      fromAck: r.foundAt === null ? Infinity : r.foundAt - (r.ackedAt + off),
      fromSchedule: r.foundAt === null ? Infinity : r.foundAt - (r.scheduledAt + off),
      phase: phase?.name ?? null, stream: r.stream ?? SINGLE_STREAM, warmup: phase?.role === 'warmup',
    };
  });
  const counted = samples.filter((s) => !s.warmup);
  const phases: Record<string, FreshnessStatsJson> = {};
  for (const p of timeline.phases) {
    if (p.role === 'warmup') continue;
    const mine = counted.filter((s) => s.phase === p.name);
    if (mine.length > 0) phases[p.name] = stats(mine);
  }
  const streams: Record<string, FreshnessStatsJson> = {};
  for (const name of new Set(counted.map((s) => s.stream))) {
    if (name !== SINGLE_STREAM) streams[name] = stats(counted.filter((s) => s.stream === name));
  }
  return { enabled, censor_after_ms: CENSOR_AFTER_MS, ...stats(counted), phases, streams };
}
