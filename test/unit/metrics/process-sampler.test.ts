import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core/clock.js';
import type { LoopDelaySource } from '../../../src/metrics/process-sampler.js';
import { ProcessSampler } from '../../../src/metrics/process-sampler.js';

class FakeLoopDelay implements LoopDelaySource {
  p99Ns = 0;
  resets = 0;
  disabled = false;
  asked: number[] = [];
  percentile(p: number): number {
    this.asked.push(p);
    return this.p99Ns;
  }
  reset(): void {
    this.resets++;
  }
  disable(): void {
    this.disabled = true;
  }
}

function fakeSampler(cores: number) {
  const clock = new ManualClock(1_700_000_000_000);
  const cpu = { user: 1_000_000, system: 200_000 };
  const rss = { bytes: 150 * 1024 * 1024 };
  const loop = new FakeLoopDelay();
  const sampler = new ProcessSampler({
    clock, cpuLimitCores: cores, cpuUsage: () => ({ ...cpu }), rssBytes: () => rss.bytes, loopDelay: loop,
  });
  return { clock, cpu, rss, loop, sampler };
}

describe('ProcessSampler (SPEC §10.1 proc, §10.4)', () => {
  it('reports CPU as a percentage of the CPU limit over the interval since the previous sample', () => {
    const { clock, cpu, sampler } = fakeSampler(2);
    clock.advance(1000);
    cpu.user += 400_000;
    cpu.system += 100_000; // 0.5 s of CPU in 1 s on a 2-core limit
    assert.equal(sampler.sample().cpuPct, 25);
    clock.advance(500);
    cpu.user += 1_000_000; // 1 s of CPU in 0.5 s = both cores busy
    assert.equal(sampler.sample().cpuPct, 100);
    clock.advance(1000);
    assert.equal(sampler.sample().cpuPct, 0);
  });

  it('scales with a fractional cgroup limit', () => {
    const { clock, cpu, sampler } = fakeSampler(0.5);
    clock.advance(2000);
    cpu.user += 500_000; // 0.5 s of CPU in 2 s on half a core
    const s = sampler.sample();
    assert.equal(s.cpuPct, 50);
    assert.equal(s.cpuLimitCores, 0.5);
  });

  it('reports 0 % rather than dividing by zero when no time passed, and never a negative figure', () => {
    const { clock, cpu, sampler } = fakeSampler(1);
    cpu.user += 10_000;
    assert.equal(sampler.sample().cpuPct, 0);
    clock.advance(1000);
    cpu.user -= 50_000;
    assert.equal(sampler.sample().cpuPct, 0);
  });

  it('reports RSS in MiB and the event-loop delay p99 in ms, resetting the delay histogram each sample', () => {
    const { clock, rss, loop, sampler } = fakeSampler(1);
    loop.p99Ns = 12_345_678;
    clock.advance(1000);
    const first = sampler.sample();
    assert.equal(first.rssMb, 150);
    assert.equal(first.eventLoopDelayP99Ms, 12.35);
    assert.deepEqual(loop.asked, [99]);
    assert.equal(loop.resets, 1);
    rss.bytes = 1.5 * 1024 * 1024 * 1024;
    loop.p99Ns = Number.NaN; // nothing sampled in the interval
    clock.advance(1000);
    const second = sampler.sample();
    assert.equal(second.rssMb, 1536);
    assert.equal(second.eventLoopDelayP99Ms, 0);
    assert.equal(loop.resets, 2);
  });

  it('stops the event-loop monitor on close', () => {
    const { loop, sampler } = fakeSampler(1);
    sampler.close();
    assert.equal(loop.disabled, true);
  });

  it('returns sane figures from the real process with a manual clock', () => {
    const clock = new ManualClock(0);
    const sampler = new ProcessSampler({ clock });
    try {
      let x = 0;
      for (let i = 0; i < 2_000_000; i++) x += Math.sqrt(i);
      assert.ok(x > 0);
      clock.advance(1000);
      const s = sampler.sample();
      assert.ok(Number.isFinite(s.cpuPct) && s.cpuPct >= 0, `cpuPct ${s.cpuPct}`);
      assert.ok(s.cpuLimitCores > 0, `cpuLimitCores ${s.cpuLimitCores}`);
      assert.ok(s.rssMb > 0, `rssMb ${s.rssMb}`);
      assert.ok(Number.isFinite(s.eventLoopDelayP99Ms) && s.eventLoopDelayP99Ms >= 0, `loop ${s.eventLoopDelayP99Ms}`);
    } finally {
      sampler.close();
    }
  });
});
