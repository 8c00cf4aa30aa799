// Samples this process's health for the snapshot `proc` block (SPEC §10.1, §10.4): CPU % of the cgroup-aware
// CPU limit, RSS and event-loop delay p99 over the interval since the previous sample. Must not read wall time
// except through the injected Clock, nor publish anything.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Clock } from '../core/clock.js';
import { cpuLimitCores } from './cpu-limit.js';
import type { ProcBlock } from './worker-snapshot.js';

/** The event-loop delay histogram the sampler reads (perf_hooks' IntervalHistogram satisfies it). */
export interface LoopDelaySource {
  /** Delay at percentile p, in nanoseconds (0 or NaN when nothing was sampled). */
  percentile(p: number): number;
  reset(): void;
  disable(): void;
}

export interface ProcessSamplerOptions {
  clock: Clock;
  /** Default: `cpuLimitCores()` read once at construction. */
  cpuLimitCores?: number;
  /** Default `process.cpuUsage` — process-wide: worker threads share the process, so this counts all threads. */
  cpuUsage?: () => { user: number; system: number };
  /** Default `process.memoryUsage.rss`, bytes. */
  rssBytes?: () => number;
  /** Default: `monitorEventLoopDelay({ resolution: 10 })`, enabled by the sampler; measures this thread only. */
  loopDelay?: LoopDelaySource;
}

const MIB = 1024 * 1024;

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * One per worker process, on the thread that owns the schedule and the metrics. Each `sample()` covers the
 * interval since the previous one (or since construction).
 *
 * CPU is process-wide (`process.cpuUsage()` sums every thread, lane threads included), which is what the
 * saturation rule compares with the pod's CPU limit. A per-thread CPU figure needs `process.threadCpuUsage()`
 * (Node ≥ 23.9), not available on Node 20, so there is no per-thread variant; a thread's busy share can be read
 * with `performance.eventLoopUtilization()` inside that thread if ever needed.
 */
export class ProcessSampler {
  private readonly clock: Clock;
  private readonly cores: number;
  private readonly cpuUsage: () => { user: number; system: number };
  private readonly rssBytes: () => number;
  private readonly loopDelay: LoopDelaySource;
  private lastMs: number;
  private lastCpuUs: number;

  constructor(opts: ProcessSamplerOptions) {
    this.clock = opts.clock;
    this.cores = opts.cpuLimitCores ?? cpuLimitCores();
    this.cpuUsage = opts.cpuUsage ?? (() => process.cpuUsage());
    this.rssBytes = opts.rssBytes ?? (() => process.memoryUsage.rss());
    if (opts.loopDelay) {
      this.loopDelay = opts.loopDelay;
    } else {
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      this.loopDelay = h;
    }
    this.lastMs = this.clock.nowMs();
    this.lastCpuUs = this.totalCpuUs();
  }

  private totalCpuUs(): number {
    const u = this.cpuUsage();
    return u.user + u.system;
  }

  /**
   * The interval since the previous sample. `cpuPct` is 100 × CPU time / (wall time × CPU limit), so 100 means
   * the whole limit is used (it may exceed 100 briefly); 0 when no wall time passed. Resets the loop-delay
   * histogram.
   */
  sample(): ProcBlock {
    const nowMs = this.clock.nowMs();
    const cpuUs = this.totalCpuUs();
    const wallUs = (nowMs - this.lastMs) * 1000;
    const usedUs = Math.max(0, cpuUs - this.lastCpuUs);
    this.lastMs = nowMs;
    this.lastCpuUs = cpuUs;
    const cpuPct = wallUs > 0 && this.cores > 0 ? (100 * usedUs) / (wallUs * this.cores) : 0;
    const p99Ns = this.loopDelay.percentile(99);
    this.loopDelay.reset();
    return {
      cpuPct: round2(cpuPct),
      cpuLimitCores: round2(this.cores),
      rssMb: round2(this.rssBytes() / MIB),
      eventLoopDelayP99Ms: Number.isFinite(p99Ns) && p99Ns > 0 ? round2(p99Ns / 1e6) : 0,
    };
  }

  /** Stops the event-loop delay monitor. */
  close(): void {
    this.loopDelay.disable();
  }
}
