import assert from 'node:assert/strict';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import type { RunJson } from '../../../src/stream-agg/run-result-types.js';
import type { ValidityCheck, ValidityRuleCode } from '../../../src/stream-agg/verdict-types.js';
import {
  analyse, closeTo, goldenPlan, standardPhases, steadyRun, T0_MS, times, type GoldenPlanSpec, type RunRecords,
  type SteadyRunOptions,
} from '../../support/run-records.js';

// Golden answers for the validity rules (SPEC §12.1), the advisory warnings (§12.2) and the exit codes (§14).
//
// The base run: the six standard phases, durations 40, 30, 30, 30, 30, 30 s, EPS 100, 300, 1000, 1000, 100, 100,
// QPS 5, 5, 5, 20, 5, 5; one ingest worker (ingest-0) and one query worker (query-0). Seconds relative to t0:
//   baseline [0, 40) incident_trigger [40, 70) ingestion_surge [70, 100) overlap [100, 130) recovery [130, 160)
//   post_incident [160, 190).
// Targets: baseline 4000 events and 200 arrivals; surge 30 000 events; overlap 600 arrivals; recovery 150 arrivals.
// Everything runs to plan unless a test says otherwise: every due event acked, every arrival started and ok at 50 ms,
// phase switches 5 ms after the planned start, done 400 ms after the end, one lag reading a second (lag 0).

const BASE = standardPhases([40, 30, 30, 30, 30, 30], [100, 300, 1000, 1000, 100, 100], [5, 5, 5, 20, 5, 5]);
const ISO = (rel: number) => new Date(T0_MS + rel * 1000).toISOString();

function basePlan(o: Partial<GoldenPlanSpec> = {}): RunPlan {
  return goldenPlan({ phases: BASE, ...o });
}

function runOf(plan: RunPlan, o: SteadyRunOptions = {}, extra?: (r: RunRecords) => void, meta: { failed?: string } = {}): RunJson {
  const r = steadyRun(plan, o);
  for (let rel = 0; rel < plan.totals.durationS + 3; rel++) r.lag(r.sec(rel), 0, 100 * rel);
  extra?.(r);
  return analyse(plan, r.records, meta);
}

const check = (run: RunJson, rule: ValidityRuleCode): ValidityCheck => {
  const c = run.validity.find((x) => x.rule === rule);
  assert.ok(c, `no check ${rule}`);
  return c;
};
const codes = (run: RunJson) => run.run.warnings.map((w) => w.code);

describe('golden validity, warnings and exit codes (SPEC §12, §14)', () => {
  it('passes every rule of a run that went to plan, with no warning and exit 0', () => {
    const run = runOf(basePlan());
    assert.deepEqual(run.validity.map((c) => [c.rule, c.status]), [
      ['baseline_stability', 'pass'], ['ingest_target_at_baseline', 'pass'], ['query_target_at_baseline', 'pass'],
      ['no_crash', 'pass'], ['minimum_duration', 'pass'], ['clock_accuracy', 'pass'], ['worker_completeness', 'pass'],
      ['kafka_healthy', 'pass'], ['not_aborted', 'pass'],
    ]);
    assert.deepEqual(run.run.warnings, []);
    assert.deepEqual([run.run.valid, run.run.comparable, run.run.exit_code], [true, true, 0]);
    assert.equal(check(run, 'worker_completeness').detail, 'all 2 workers said hello and finished');
    assert.equal(check(run, 'clock_accuracy').detail, '6 phase(s) within 5 % or 1 s of plan');
  });

  describe('baseline stability: windows of 10 s after the first 10 s of B; max window p99 ≤ 2 × median', () => {
    // B = [0, 40): windows [10, 20), [20, 30), [30, 40) with 50 queries each. 50 ms reads as 50.015 ms (hdr), so the
    // limit is 2 × 50.015 = 100.03 ms.
    it('passes with a window at 90 ms, and ignores a slow first 10 s', () => {
      // p99s 50, 50, 90 → median 50 → 90 ≤ 100. The 500 ms queries of [0, 10) are skipped.
      const run = runOf(basePlan(), { query: (c) => ({ due: c.due, started: c.due,
        latencyMs: times(c.due, c.rel < 10 ? 500 : c.rel >= 30 && c.rel < 40 ? 90 : 50) }) });
      assert.deepEqual(check(run, 'baseline_stability'), { rule: 'baseline_stability', name: 'baseline stability', status: 'pass',
        detail: 'largest window p99 90.0 ms ≤ 2 × median 50.0 ms (3 windows)' });
      assert.equal(run.run.valid, true);
    });

    it('fails with a window at 110 ms', () => {
      const run = runOf(basePlan(), { query: (c) => ({ due: c.due, started: c.due, latencyMs: times(c.due, c.rel >= 30 && c.rel < 40 ? 110 : 50) }) });
      assert.equal(check(run, 'baseline_stability').status, 'fail');
      assert.equal(check(run, 'baseline_stability').detail, 'largest window p99 110.0 ms > 2 × median 50.0 ms (3 windows)');
      assert.equal(run.run.valid, false);
      assert.deepEqual(run.run.validity_violations, [{ rule: 'baseline_stability', name: 'baseline stability',
        message: 'largest window p99 110.0 ms > 2 × median 50.0 ms (3 windows)' }]);
      assert.equal(run.run.exit_code, 2);
    });

    it('is not judged (a warning, still valid) when fewer than 2 windows have ≥ 20 queries', () => {
      // 1 QPS in B: [10, 20) has 10 queries → joins [20, 30) (20: a window); [30, 40) has 10 and joins it → 1 window.
      const run = runOf(basePlan({ phases: standardPhases([40, 30, 30, 30, 30, 30], [100, 300, 1000, 1000, 100, 100], [1, 5, 5, 20, 5, 5]) }));
      const detail = '1 window of ≥ 20 queries after the first 10 s; 2 needed';
      assert.deepEqual([check(run, 'baseline_stability').status, check(run, 'baseline_stability').detail], ['not_judged', detail]);
      assert.deepEqual(run.run.warnings, [{ code: 'baseline_stability_not_judged', message: `baseline stability not judged: ${detail}` }]);
      assert.equal(run.run.valid, true);
    });
  });

  describe('ingest and query targets at baseline: ≥ 90 %', () => {
    it('passes at exactly 90 % of the target events and fails one event below', () => {
      // 40 s × 90 acked = 3600 = 90 % of 4000.
      const at90 = runOf(basePlan(), { ingest: (c) => (c.rel < 40 ? { due: c.due, acked: 90, failed: 10 } : { due: c.due, acked: c.due }) });
      assert.deepEqual(check(at90, 'ingest_target_at_baseline'), { rule: 'ingest_target_at_baseline', name: 'ingest target at baseline',
        status: 'pass', detail: 'acked 3600 of 4000 target events in baseline (90.0 %; ≥ 90 % required)' });
      // One second acks 89: 3599 = 89.975 %, shown truncated so the figure never reads as passing.
      const below = runOf(basePlan(), { ingest: (c) => (c.rel < 40 ? { due: c.due, acked: c.rel === 0 ? 89 : 90, failed: 10 } : { due: c.due, acked: c.due }) });
      assert.deepEqual([check(below, 'ingest_target_at_baseline').status, check(below, 'ingest_target_at_baseline').detail],
        ['fail', 'acked 3599 of 4000 target events in baseline (89.9 %; ≥ 90 % required)']);
      assert.equal(below.run.valid, false);
    });

    it('passes at exactly 90 % of the target arrivals and fails one below', () => {
      // 200 arrivals; 20 seconds start 4 of 5: 180 = 90 %. One more second: 179 = 89.5 %.
      const short = (n: number) => (c: { due: number; rel: number }) => {
        const s = c.rel < n ? c.due - 1 : c.due;
        return { due: c.due, started: s, latencyMs: times(s, 50) };
      };
      const at90 = runOf(basePlan(), { query: short(20) });
      assert.deepEqual([check(at90, 'query_target_at_baseline').status, check(at90, 'query_target_at_baseline').detail],
        ['pass', 'started 180 of 200 target arrivals in baseline (90.0 %; ≥ 90 % required)']);
      const below = runOf(basePlan(), { query: short(21) });
      assert.deepEqual([check(below, 'query_target_at_baseline').status, check(below, 'query_target_at_baseline').detail],
        ['fail', 'started 179 of 200 target arrivals in baseline (89.5 %; ≥ 90 % required)']);
    });

    it('does not apply the query target in session mode (closed loop)', () => {
      const plan = basePlan();
      plan.scenario.session = { thinkTimeMs: 0, categories: [] };
      const run = runOf(plan, { query: (c) => ({ due: c.due, started: 1, latencyMs: [50] }) });
      assert.deepEqual([check(run, 'query_target_at_baseline').status, check(run, 'query_target_at_baseline').detail],
        ['not_applicable', 'session mode (closed loop)']);
    });
  });

  describe('no crash: never every query failed for 30 consecutive seconds', () => {
    const failing = (n: number) => (c: { due: number; rel: number }) => (c.rel >= 100 && c.rel < 100 + n
      ? { due: c.due, started: c.due, errors: c.due / 2, timeouts: c.due / 2 }
      : { due: c.due, started: c.due, latencyMs: times(c.due, 50) });

    it('fails with 30 s in which every completed query failed (errors and timeouts)', () => {
      const run = runOf(basePlan(), { query: failing(30) });
      assert.deepEqual([check(run, 'no_crash').status, check(run, 'no_crash').detail],
        ['fail', `longest span in which every completed query failed: 30 s from ${ISO(100)} (limit 30 s)`]);
      assert.equal(ISO(100), '2026-11-25T01:46:40.000Z');
      assert.equal(run.run.valid, false);
    });

    it('passes with 29 s', () => {
      const run = runOf(basePlan(), { query: failing(29) });
      assert.deepEqual([check(run, 'no_crash').status, check(run, 'no_crash').detail],
        ['pass', `longest span in which every completed query failed: 29 s from ${ISO(100)} (limit 30 s)`]);
    });
  });

  describe('minimum duration: every planned phase ≥ 30 s', () => {
    it('fails with a 29 s phase', () => {
      const plan = basePlan({ phases: standardPhases([40, 30, 30, 29, 30, 30], [100, 300, 1000, 1000, 100, 100], [5, 5, 5, 20, 5, 5]) });
      const run = runOf(plan);
      assert.deepEqual([check(run, 'minimum_duration').status, check(run, 'minimum_duration').detail], ['fail', 'overlap 29 s < 30 s']);
      assert.deepEqual([run.run.valid, run.run.comparable], [false, true]);
    });

    it('is a warning with duration_scale < 1, and the run is not comparable', () => {
      // 0.5 × (40, 30, …) = 20, 15, 15, 15, 15, 15 s.
      const run = runOf(basePlan({ durationScale: 0.5 }));
      const list = 'baseline 20 s, incident_trigger 15 s, ingestion_surge 15 s, overlap 15 s, recovery 15 s, post_incident 15 s';
      assert.deepEqual([check(run, 'minimum_duration').status, check(run, 'minimum_duration').detail],
        ['not_judged', `scaled run (duration_scale 0.5): ${list} < 30 s — a warning; the run is not comparable`]);
      assert.ok(run.run.warnings.some((w) => w.code === 'minimum_duration_scaled'
        && w.message === `phases shorter than 30 s in a scaled run (duration_scale 0.5): ${list}; results are not comparable with full-length runs`));
      assert.deepEqual([run.run.valid, run.run.comparable], [true, false]);
    });
  });

  describe('clock accuracy: measured phase durations within 5 % or 1 s of plan', () => {
    it('allows 5 % of a 30 s phase (1.5 s) and fails beyond it', () => {
      // Both workers switch into overlap late by d: surge measures 30 + d, overlap 30 − d (next switches at +5 ms).
      const late = (ms: number): SteadyRunOptions => ({ switchDelayMs: (_w, i) => (i === 3 ? ms : 5) });
      // d = 1.5 s: (100 000 + 1505 − 70 005) / 1000 = 31.5 s → off by 1.5 ≤ max(5 % × 30, 1) = 1.5.
      assert.equal(check(runOf(basePlan(), late(1505)), 'clock_accuracy').status, 'pass');
      // d = 1.6 s: 31.6 and 28.4 s.
      const run = runOf(basePlan(), late(1605));
      assert.deepEqual([check(run, 'clock_accuracy').status, check(run, 'clock_accuracy').detail],
        ['fail', 'measured duration off by more than 5 % or 1 s: ingestion_surge 31.600 s vs 30 s, overlap 28.400 s vs 30 s']);
      assert.equal(run.run.valid, false);
    });

    it('allows 1 s for phases shorter than 20 s', () => {
      // Phases of 10 s: 5 % = 0.5 s, so 1 s applies. Switch into overlap (phase 1) 1.0 s late: 11.0 / 9.0 s → pass;
      // 1.1 s late: 11.1 / 8.9 s → fail.
      const plan = goldenPlan({ phases: [{ name: 'baseline', durationS: 10, eps: 10, qps: 1 }, { name: 'overlap', durationS: 10, eps: 10, qps: 1 },
        { name: 'recovery', durationS: 10, eps: 10, qps: 1 }] });
      const late = (ms: number): SteadyRunOptions => ({ switchDelayMs: (_w, i) => (i === 1 ? ms : 5) });
      assert.equal(check(runOf(plan, late(1005)), 'clock_accuracy').status, 'pass');
      const off = check(runOf(plan, late(1105)), 'clock_accuracy');
      assert.deepEqual([off.status, off.detail],
        ['fail', 'measured duration off by more than 5 % or 1 s: baseline 11.100 s vs 10 s, overlap 8.900 s vs 10 s']);
    });

    it('ends the last phase at the last done, on the coordinator\'s clock', () => {
      // post_incident starts at rel 160 (+5 ms): done at end + 1.4 s → 31.395 s (pass); end + 1.6 s → 31.595 s (fail).
      const doneAt = (ms: number): SteadyRunOptions => ({ workers: { 'query-0': { doneAt: T0_MS + 190_000 + ms } } });
      assert.equal(check(runOf(basePlan(), doneAt(1400)), 'clock_accuracy').status, 'pass');
      assert.equal(check(runOf(basePlan(), doneAt(1600)), 'clock_accuracy').detail,
        'measured duration off by more than 5 % or 1 s: post_incident 31.595 s vs 30 s');
    });

    it('moves switch times and done by the worker\'s clock offset', () => {
      // ingest-0's clock is 2 s behind (offset +2000): its raw switch times read 2 s early. Corrected, every phase is to
      // plan; uncorrected, post_incident would measure 190.4 − 158.005 = 32.395 s.
      const run = runOf(basePlan(), { workers: { 'ingest-0': { offsetMs: 2000 } } });
      assert.equal(check(run, 'clock_accuracy').status, 'pass');
      assert.equal(run.phases[5]!.measured_duration_s, 30.395);
    });
  });

  describe('worker completeness: hello from every planned worker, none lost or failed, all done', () => {
    it('names the worker that went silent, the one that never said hello, the one that failed and the one not done', () => {
      // 4 query workers: query-0 silent from rel 110 and declared lost at rel 120; query-1 never said hello; query-2
      // failed at rel 100; query-3 sent no done.
      const plan = basePlan({ queryWorkers: 4 });
      const run = runOf(plan, {
        workers: {
          'query-0': { lostAt: T0_MS + 120_000 },
          'query-1': { hello: false },
          'query-2': { fail: { receivedAt: T0_MS + 100_000, error: 'target unreachable: ECONNREFUSED' } },
          'query-3': { doneAt: null },
        },
        silent: (c) => c.worker.id === 'query-0' && c.rel >= 110,
      });
      assert.deepEqual([check(run, 'worker_completeness').status, check(run, 'worker_completeness').detail], ['fail',
        `query-0 was lost (silent for 10 s) at ${ISO(120)}; query-1 never said hello; `
        + 'query-2 failed: target unreachable: ECONNREFUSED; query-3 did not report done']);
      assert.equal(ISO(120), '2026-11-25T01:47:00.000Z');
      assert.deepEqual(Object.entries(run.workers).map(([id, w]) => [id, w.said_hello, w.done, w.lost, w.failed]), [
        ['ingest-0', true, true, false, null], ['query-0', true, false, true, null], ['query-1', false, false, false, null],
        ['query-2', true, false, false, 'target unreachable: ECONNREFUSED'], ['query-3', true, false, false, null]]);
      assert.equal(run.run.valid, false);
    });

    it('fails for a worker that only went silent and was declared lost', () => {
      const run = runOf(basePlan(), { workers: { 'query-0': { lostAt: T0_MS + 60_000 } }, silent: (c) => c.worker.id === 'query-0' && c.rel >= 50 });
      assert.equal(check(run, 'worker_completeness').detail, `query-0 was lost (silent for 10 s) at ${ISO(60)}`);
    });
  });

  describe('Kafka healthy: no 30 consecutive seconds with events due and none acked', () => {
    const kafkaDown = (n: number): SteadyRunOptions => ({
      ingest: (c) => (c.rel >= 70 && c.rel < 70 + n ? { due: c.due, acked: 0, failed: c.due } : { due: c.due, acked: c.due }),
    });

    it('fails with 30 Kafka-failed seconds', () => {
      const run = runOf(basePlan(), kafkaDown(30));
      assert.deepEqual([check(run, 'kafka_healthy').status, check(run, 'kafka_healthy').detail],
        ['fail', '30 Kafka-failed second(s), longest streak 30 s (limit 30)']);
      assert.equal(run.run.valid, false);
    });

    it('passes with 29', () => {
      const run = runOf(basePlan(), kafkaDown(29));
      assert.deepEqual([check(run, 'kafka_healthy').status, check(run, 'kafka_healthy').detail],
        ['pass', '29 Kafka-failed second(s), longest streak 29 s (limit 30)']);
    });
  });

  it('marks an aborted run invalid with the reason, exit 130', () => {
    const run = runOf(basePlan(), {}, (r) => r.abort('cli', T0_MS + 100_000, 'interrupted by the user (Ctrl-C)'));
    assert.deepEqual([check(run, 'not_aborted').status, check(run, 'not_aborted').detail],
      ['fail', 'aborted (cli): interrupted by the user (Ctrl-C)']);
    assert.deepEqual([run.run.valid, run.run.aborted, run.run.exit_code], [false, 'interrupted by the user (Ctrl-C)', 130]);
  });

  it('marks a run the coordinator aborted because it failed (fatal abort) invalid, exit 1 not 130', () => {
    const run = runOf(basePlan(), {}, (r) => r.abort('coordinator', T0_MS + 100_000, 'worker ingest-0 failed', true));
    assert.deepEqual([check(run, 'not_aborted').status, check(run, 'not_aborted').detail],
      ['fail', 'failed (coordinator): worker ingest-0 failed']);
    assert.deepEqual([run.run.valid, run.run.exit_code], [false, 1]);
  });

  describe('advisory warnings (SPEC §12.2): the run stays valid', () => {
    it('warns when ingest in ingestion_surge or overlap is below 50 % of target (not at 50 %)', () => {
      // Surge target 30 000: 500 acked per second = 15 000 = 50 % → no warning; 499 → 14 970 = 49.9 %.
      const acked = (n: number): SteadyRunOptions => ({ ingest: (c) => (c.phase.name === 'ingestion_surge' ? { due: c.due, acked: n, failed: c.due - n } : { due: c.due, acked: c.due }) });
      assert.deepEqual(codes(runOf(basePlan(), acked(500))), []);
      const run = runOf(basePlan(), acked(499));
      assert.deepEqual(run.run.warnings, [{ code: 'ingest_below_target', message: 'ingest in ingestion_surge reached 49.9 % of target (14970 of 30000 events)' }]);
      assert.equal(run.run.valid, true);
    });

    it('warns when queries started in O are below 50 % of target arrivals (not at 50 %)', () => {
      // O target 600: 10 a second = 300 → no warning; one second with 9 → 299 = 49.8 %.
      const started = (lessAt: number | null): SteadyRunOptions => ({ query: (c) => {
        if (c.phase.name !== 'overlap') return { due: c.due, started: c.due, latencyMs: times(c.due, 50) };
        const n = c.rel === lessAt ? 9 : 10;
        return { due: c.due, started: n, latencyMs: times(n, 50) };
      } });
      assert.deepEqual(codes(runOf(basePlan(), started(null))), []);
      assert.deepEqual(runOf(basePlan(), started(100)).run.warnings,
        [{ code: 'qps_below_target', message: 'queries started in overlap reached 49.8 % of target (299 of 600)' }]);
    });

    it('warns when the error rate of a phase is above 10 % (not at 10 %)', () => {
      // recovery: 150 started; 15 errors = 10 % → no warning; 16 → 16 / 150 = 10.7 %.
      const errors = (n: number): SteadyRunOptions => ({ query: (c) => {
        const e = c.phase.name === 'recovery' && c.k < n ? 1 : 0;
        return { due: c.due, started: c.due, errors: e, latencyMs: times(c.due - e, 50) };
      } });
      assert.deepEqual(codes(runOf(basePlan(), errors(15))), []);
      assert.deepEqual(runOf(basePlan(), errors(16)).run.warnings,
        [{ code: 'error_rate_high', message: 'query error rate 10.7 % in recovery (errors 16, timeouts 0, dropped 0)' }]);
    });

    it('warns and lists the worker after 10 consecutive saturated seconds (not after 9)', () => {
      const cpu = (n: number): SteadyRunOptions => ({ proc: (c) => ({ cpuPct: c.worker.id === 'ingest-0' && c.rel >= 40 && c.rel < 40 + n ? 95 : 20 }) });
      const nine = runOf(basePlan(), cpu(9));
      assert.deepEqual([codes(nine), nine.run.harness_saturated], [[], false]);
      const run = runOf(basePlan(), cpu(10));
      assert.deepEqual(run.run.warnings, [{ code: 'harness_saturated', message: 'worker ingest-0 was saturated for 10 consecutive '
        + 'seconds (cpu 10 s); the harness, not the target, may limit the results' }]);
      assert.equal(run.run.harness_saturated, true);
      assert.deepEqual(run.run.saturated_workers, [{ worker: 'ingest-0', seconds: Array.from({ length: 10 }, (_, i) => T0_MS / 1000 + 40 + i),
        longest_run_s: 10, reasons: { cpu: 10 } }]);
      assert.equal(run.run.valid, true);
    });

    it('warns when workers switched phase more than 1 s apart (not at 1 s)', () => {
      const skew = (ms: number): SteadyRunOptions => ({ switchDelayMs: (w) => (w.role === 'query' ? 5 + ms : 5) });
      assert.deepEqual(codes(runOf(basePlan(), skew(1000))), []);
      const run = runOf(basePlan(), skew(1001));
      assert.deepEqual(run.run.warnings, [{ code: 'phase_skew', message: 'workers switched phase up to 1.00 s apart' }]);
      assert.equal(run.derived['harness.phase_skew_ms'], 1001);
    });

    it('warns when a worker\'s clock is more than 1 s off (not at 1 s)', () => {
      const offset = (ms: number): SteadyRunOptions => ({ workers: { 'query-0': { offsetMs: ms } } });
      assert.deepEqual(codes(runOf(basePlan(), offset(1000))), []);
      const run = runOf(basePlan(), offset(1001));
      assert.deepEqual(run.run.warnings, [{ code: 'clock_offset', message: 'worker query-0\'s clock is 1.00 s off the coordinator\'s' }]);
      assert.equal(run.derived['harness.clock_offset_ms_max'], 1001);
    });

    it('warns about snapshots that arrived after their second closed', () => {
      // query-0's snapshot for rel 50 arrives after ingest-0's for rel 60: second 50 closed at watermark 53.
      const run = runOf(basePlan(), {}, (r) => {
        const i = r.records.findIndex((x) => x.kind === 'worker' && x.worker === 'query-0' && x.second === r.sec(50));
        const [moved] = r.records.splice(i, 1);
        const j = r.records.findIndex((x) => x.kind === 'worker' && x.worker === 'ingest-0' && x.second === r.sec(60));
        r.records.splice(j + 1, 0, moved!);
      });
      assert.deepEqual(run.run.warnings, [{ code: 'late_snapshots', message: '1 snapshot(s) arrived after their second closed (merged into the report; live points missed them)' }]);
      assert.equal(run.data_quality.late_snapshots, 1);
      assert.equal(run.phases[1]!.query.started, 150, 'still merged');
    });

    it('warns about censored freshness sentinels', () => {
      const run = runOf(basePlan(), {}, (r) => {
        r.freshness({ n: 0, scheduledAt: T0_MS + 5000, ackedAt: T0_MS + 5010, foundAt: T0_MS + 6010, worker: 'ingest-0' });
        r.freshness({ n: 1, scheduledAt: T0_MS + 6000, ackedAt: T0_MS + 6010, foundAt: null, worker: 'ingest-0' });
      });
      assert.deepEqual(run.run.warnings, [{ code: 'censored_freshness', message: '1 freshness sentinel(s) were not searchable within 60 s' }]);
    });

    it('warns about report.emphasis names that match no scorecard metric', () => {
      const run = runOf(basePlan({ emphasis: ['p99_degradation_ratio', 'recovery_tme'] }));
      assert.deepEqual(codes(run), ['unknown_emphasis']);
      assert.match(run.run.warnings[0]!.message, /^report\.emphasis: "recovery_tme" matches no scorecard metric \(did you mean "recovery_time"\?\); expected one of /);
      assert.deepEqual(run.scorecard_order.slice(0, 2), ['p99_degradation_ratio', 'baseline_p99_ms'], 'the known name is emphasised');
    });
  });

  describe('exit codes: 130 > 1 > 2 > 3 > 0', () => {
    const threshold = { thresholds: ['p99_degradation_ratio < 0.5'] }; // ratio 1 → fails
    const invalid: SteadyRunOptions = { ingest: (c) => (c.rel >= 70 && c.rel < 100 ? { due: c.due, acked: 0, failed: c.due } : { due: c.due, acked: c.due }) };
    const abort = (r: RunRecords) => r.abort('cli', T0_MS + 150_000, 'interrupted');

    it('exits 3 when a threshold fails in a valid run', () => {
      const run = runOf(basePlan(threshold));
      assert.deepEqual([run.run.valid, run.run.exit_code], [true, 3]);
      assert.equal(run.thresholds[0]!.passed, false);
      closeTo(run.thresholds[0]!.value, 1, 'threshold value');
    });

    it('exits 2 for an invalid run, also when a threshold fails', () => {
      assert.equal(runOf(basePlan(), invalid).run.exit_code, 2);
      assert.equal(runOf(basePlan(threshold), invalid).run.exit_code, 2);
    });

    it('exits 1 for a failed run, before invalid and thresholds', () => {
      const run = runOf(basePlan(threshold), invalid, undefined, { failed: 'coordinator lost Kafka' });
      assert.deepEqual([run.run.valid, run.run.exit_code], [false, 1]);
    });

    it('exits 130 for an interrupted run, before failed, invalid and thresholds', () => {
      assert.equal(runOf(basePlan(threshold), invalid, abort).run.exit_code, 130);
      assert.equal(runOf(basePlan(threshold), invalid, abort, { failed: 'interrupted while draining' }).run.exit_code, 130);
    });
  });

  describe('query-only runs (SPEC §3.4)', () => {
    // Phases warmup 30 s / 2 QPS, baseline 40 s / 5, stress 30 s / 20, recovery 30 s / 5: B = baseline, O = stress (the
    // highest QPS after B), R = recovery. One query worker; every query ok at 50 ms.
    let run: RunJson;
    before(() => {
      const plan = goldenPlan({ queryOnly: true, phases: [{ name: 'warmup', durationS: 30, qps: 2 }, { name: 'baseline', durationS: 40, qps: 5 },
        { name: 'stress', durationS: 30, qps: 20 }, { name: 'recovery', durationS: 30, qps: 5 }] });
      assert.deepEqual(plan.phases.map((p) => p.role ?? null), ['warmup', 'baseline', 'overlap', 'recovery']);
      run = runOf(plan);
    });

    it('does not apply the ingest rules and stays valid', () => {
      assert.deepEqual([check(run, 'ingest_target_at_baseline').status, check(run, 'ingest_target_at_baseline').detail], ['not_applicable', 'query-only scenario']);
      assert.deepEqual([check(run, 'kafka_healthy').status, check(run, 'kafka_healthy').detail], ['not_applicable', 'query-only scenario']);
      assert.deepEqual(run.validity.filter((c) => c.status !== 'pass' && c.status !== 'not_applicable'), []);
      assert.deepEqual([run.run.valid, run.run.exit_code, run.run.warnings], [true, 0, []]);
    });

    it('gives null for every ingest and isolation metric, {} for streams and no ingest in the phases', () => {
      const ingestKeys = Object.keys(run.derived).filter((k) => k.startsWith('ingest.') || k.startsWith('isolation.'));
      assert.equal(ingestKeys.length, 8 + 2 * 4 + 4, '8 static ingest metrics, 2 per phase, 4 isolation');
      for (const k of ingestKeys) assert.equal(run.derived[k], null, k);
      assert.deepEqual(run.streams, {});
      assert.deepEqual(run.phases.map((p) => p.ingest), [null, null, null, null]);
      assert.deepEqual([run.scorecard.peak_backlog, run.scorecard.backlog_drain_time_s, run.scorecard.time_to_searchable_p99_ms], [null, null, null]);
    });

    it('still computes the query metrics over the roles it resolved, warm-up excluded', () => {
      // started: baseline 200 + stress 600 + recovery 150 = 950 (warm-up's 60 left out); every query 50 ms.
      assert.equal(run.derived['query.total_executed'], 950);
      closeTo(run.derived['query.p99_ratio'], 1, 'p99 ratio');
      assert.equal(run.derived['query.throughput_ratio'], 1);
      assert.equal(run.derived['recovery.time_to_baseline_s'], 0);
    });
  });
});
