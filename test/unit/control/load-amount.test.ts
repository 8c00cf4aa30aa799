// How much `incidentbench load` produces and how its events are timed (SPEC §14 `load`, §5.1).

import assert from 'node:assert/strict';
import { UsageError } from '../../../src/core/errors.js';
import { baselinePhase, loadAmountOf, loadCounts, loadT0 } from '../../../src/control/load-amount.js';
import { StreamSchedule } from '../../../src/generators/schedule.js';
import { planFromFlags } from '../../../src/cli/run-flags.js';
import { miniPlan } from '../../support/mini-plan.js';

const smoke = () => planFromFlags('scenarios/smoke.yaml', { runName: 'smoke' }).plan;

describe('load amounts (SPEC §14 load)', () => {
  it('loads the whole planned timeline of each stream by default', () => {
    assert.deepEqual(loadCounts(smoke(), {}), [{ stream: smoke().streams[0]!.name, count: 162_000 }]);
  });

  it('loads exactly --count events per stream', () => {
    assert.deepEqual(loadCounts(smoke(), { count: 5000 }).map((l) => l.count), [5000]);
    assert.deepEqual(loadCounts(smoke(), { count: 0 }).map((l) => l.count), [0]);
  });

  it('turns --seconds into seconds of the baseline phase rate', () => {
    assert.deepEqual(loadCounts(smoke(), { seconds: 10 }).map((l) => l.count), [2000]); // baseline 200 EPS
    assert.deepEqual(loadCounts(smoke(), { seconds: 0.5 }).map((l) => l.count), [100]);
  });

  it('takes the first phase that ingests when the baseline phase has no ingest for the stream', () => {
    const plan = miniPlan([{ name: 'idle', durationS: 10, eps: 0 }, { name: 'main', durationS: 10, eps: 50 }], { run: 'm' });
    assert.equal(baselinePhase(plan.phases, plan.streams[0]!), 1);
    assert.deepEqual(loadCounts(plan, { seconds: 3 }).map((l) => l.count), [150]);
  });

  it('refuses more events than the timeline holds, naming the limit and how to get more', () => {
    assert.throws(() => loadCounts(smoke(), { count: 162_001 }), (e: unknown) => e instanceof UsageError
      && /--count 162001 is more than the 162000 events/.test(e.message) && /--duration-scale/.test(e.message) && !e.message.includes('\n'));
    assert.throws(() => loadCounts(smoke(), { seconds: 1000 }), /--seconds 1000 \(200000 events\)/);
  });

  it('treats --count and --seconds as exclusive, in one line naming both values', () => {
    assert.throws(() => loadAmountOf({ count: 5, seconds: 2 }), (e: unknown) => e instanceof UsageError
      && e.message.includes('--count 5') && e.message.includes('--seconds 2') && !e.message.includes('\n'));
    assert.deepEqual(loadAmountOf({}), {});
    assert.deepEqual(loadAmountOf({ count: 7 }), { count: 7 });
    assert.deepEqual(loadAmountOf({ seconds: 3 }), { seconds: 3 });
  });
});

describe('load t0 (SPEC §5.1)', () => {
  const now = 1_790_000_123_456;

  it('is a whole second that makes the last loaded event due within the last second before now', () => {
    const plan = smoke();
    for (const count of [1, 5000, 6001, 162_000]) {
      const t0 = loadT0(plan, [{ stream: plan.streams[0]!.name, count }], now);
      assert.equal(t0 % 1000, 0);
      const last = new StreamSchedule(t0, plan.phases, plan.streams[0]!.phases).scheduledTimeOf(count - 1);
      assert.ok(last <= now && last > now - 1000, `count ${count}: last event at ${last}, now ${now}`);
    }
  });

  it('is the current second when nothing is loaded', () => {
    const plan = smoke();
    assert.equal(loadT0(plan, [{ stream: plan.streams[0]!.name, count: 0 }], now), 1_790_000_123_000);
  });
});
