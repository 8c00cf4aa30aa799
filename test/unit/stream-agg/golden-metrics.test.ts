import assert from 'node:assert/strict';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import type { RawRecord } from '../../../src/stream-agg/records.js';
import type { RunJson } from '../../../src/stream-agg/run-result-types.js';
import {
  aggregate, analyse, closeTo, goldenPlan, steadyRun, times, type IngestShare, type QueryShare, type RunRecords,
  type SecondContext,
} from '../../support/run-records.js';

// Golden answers for every derived metric of SPEC §11, computed by hand below from synthetic records.
//
// Histogram percentiles: hdr-histogram-js keeps 3 significant digits and `getValueAtPercentile` returns the highest
// value of the bucket holding the ⌈p/100 · n⌉-th smallest sample. So the hand answer is the nearest-rank sample, and
// the code may read up to 0.1 % above it (250 ms reads as 250.111 ms): such values are asserted with `closeTo`, a
// relative tolerance of 0.1 %. Values below 2.048 ms (2048 µs) sit in 1 µs buckets and are exact (run C uses them).

// ================================================================================================================
// Run A: the flagship shape on a short timeline, two query groups, late data, lag, freshness, clock offsets.
//
// Phases (s relative to t0; the plan's table decides a second's phase):
//   warmup            [0, 5)    100 EPS, 10 QPS   (excluded from every metric)
//   baseline          [5, 15)   100 EPS, 10 QPS
//   incident_trigger  [15, 25)  300 EPS, 10 QPS
//   ingestion_surge   [25, 35) 1000 EPS, 10 QPS
//   overlap           [35, 45) 1000 EPS, 40 QPS
//   recovery          [45, 65)  100 EPS, 10 QPS
//   post_incident     [65, 75)  100 EPS, 10 QPS
// Query groups sre and devs, weight 0.5 each, one worker each (query-sre-0, query-devs-0): 5 arrivals per second per
// group (20 in overlap); target arrivals per group: 50 per 10 s phase, 200 in overlap, 100 in recovery.
// One ingest worker (ingest-0, one lane): targets 100 × 10 = 1000 events in baseline, 3000, 10 000, 10 000, 2000, 1000.
// ================================================================================================================

const PHASES_A = [
  { name: 'warmup', durationS: 5, eps: 100, qps: 10 },
  { name: 'baseline', durationS: 10, eps: 100, qps: 10 },
  { name: 'incident_trigger', durationS: 10, eps: 300, qps: 10 },
  { name: 'ingestion_surge', durationS: 10, eps: 1000, qps: 10 },
  { name: 'overlap', durationS: 10, eps: 1000, qps: 40 },
  { name: 'recovery', durationS: 20, eps: 100, qps: 10 },
  { name: 'post_incident', durationS: 10, eps: 100, qps: 10 },
];

/** Query latencies (ms) and counters per group and phase; k = second within the phase. */
function queryA(c: SecondContext, o: VariantA): QueryShare {
  const sre = c.worker.group === 'sre';
  const k = c.k;
  switch (c.phase.name) {
    case 'warmup': return { due: 5, started: 5, latencyMs: times(5, 5000) };
    // sre 5 × 50 ms, devs 5 × 100 ms; in the last second one slow query each: sre 250 ms, devs 500 ms.
    case 'baseline':
      if (o.noBaselineQueries) return { due: 5 };
      return { due: 5, started: 5, latencyMs: sre ? [...times(4, 50), k === 9 ? 250 : 50] : [...times(4, 100), k === 9 ? 500 : 100] };
    // sre 5 × 60 ms, devs 5 × 120 ms; devs has one 600 ms query in each of the last two seconds.
    case 'incident_trigger':
      return { due: 5, started: 5, latencyMs: sre ? times(5, 60) : [...times(4, 120), k >= 8 ? 600 : 120] };
    case 'ingestion_surge': return { due: 5, started: 5, latencyMs: times(5, sre ? 80 : 160) };
    // Per second: sre starts 20: 1 error, 1 timeout, 18 ok = 17 × 200 ms here + 1 × 800 ms in the next snapshot's
    // `late`. devs: 20 due, 4 dropped in even seconds (started 16) else 0 (started 20); 2 errors; ok = started − 2:
    // all but one 300 ms here, the last one late: 1000 ms in seconds k = 2, 5, 8, else 300 ms.
    case 'overlap':
      if (sre) return { due: 20, started: 20, errors: 1, timeouts: 1, latencyMs: times(17, 200) };
      return k % 2 === 0
        ? { due: 20, started: 16, dropped: 4, errors: 2, latencyMs: times(13, 300) }
        : { due: 20, started: 20, errors: 2, latencyMs: times(17, 300) };
    // sre 5 × 50, devs 5 × 100; recovery second k = 4 (rel 49) has one devs query of 2000 ms (variant "never
    // recovers": every second of recovery and post_incident has one, so no window of R is ever under the limit).
    case 'recovery':
      if (!sre && (o.neverRecovers || k === 4)) return { due: 5, started: 5, latencyMs: [...times(4, 100), 2000] };
      return { due: 5, started: 5, latencyMs: times(5, sre ? 50 : 100) };
    default:
      if (!sre && o.neverRecovers) return { due: 5, started: 5, latencyMs: [...times(4, 100), 2000] };
      return { due: 5, started: 5, latencyMs: times(5, sre ? 50 : 100) };
  }
}

/** ingest-0: acked per second; the surge's acks arrive partly late (900 in the snapshot, 50 in the next one's `late`). */
function ingestA(c: SecondContext): IngestShare {
  const due = c.due;
  switch (c.phase.name) {
    case 'baseline': return c.k === 5 ? { due, acked: 90, failed: 10 } : { due, acked: due };
    case 'ingestion_surge': return { due, acked: 900, failed: 50 };
    case 'overlap': return { due, acked: 900, failed: 100 };
    default: return { due, acked: due };
  }
}

function lateA(plan: RunPlan, c: SecondContext): Map<number, { ingest?: IngestShare; query?: QueryShare }> | undefined {
  const prev = c.rel - 1;
  const phase = plan.phases.find((p) => prev >= p.offsetS && prev < p.offsetS + p.durationS);
  if (!phase) return undefined;
  const kPrev = prev - phase.offsetS;
  if (c.worker.role === 'ingest') return phase.name === 'ingestion_surge' ? new Map([[prev, { ingest: { acked: 50 } }]]) : undefined;
  if (phase.name !== 'overlap') return undefined;
  if (c.worker.group === 'sre') return new Map([[prev, { query: { latencyMs: [800] } }]]);
  return new Map([[prev, { query: { latencyMs: [[2, 5, 8].includes(kPrev) ? 1000 : 300] } }]]);
}

/**
 * Lag readings, one per second at the second's start (rel 0 … 77, the last three in the drain period).
 * lag: 0 in warm-up; baseline (the consumer commits every 3rd second) 0 at rel 5, 100 at 6, 180 at 7, 0 at 8–10,
 * 100 at 11, 180 at 12, 0 at 13–14; 0 in the trigger; surge +350 per second (350 … 3500 at rel 34); overlap +450 per
 * second (3950 … 8000 at rel 44); recovery −400 per second (7600 at 45 … 800 at 62), then 120 at 63, 0 at 64; 0
 * afterwards. committed = acked so far (by due second) − lag, never decreasing.
 */
function lagA(r: RunRecords, o: VariantA): void {
  const acked = (rel: number): number => {
    if (rel >= 75) return 0;
    if (rel === 10) return 90;
    if (rel >= 15 && rel < 25) return 300;
    if (rel >= 25 && rel < 35) return 950;
    if (rel >= 35 && rel < 45) return 900;
    return 100;
  };
  const lag = (rel: number): number => {
    if (rel === 6 || rel === 11) return 100;
    if (rel === 7 || rel === 12) return 180;
    if (rel >= 25 && rel < 35) return 350 * (rel - 24);
    if (rel >= 35 && rel < 45) return 3500 + 450 * (rel - 34);
    if (rel >= 45 && o.backlog === 'never') return 8000;
    if (rel >= 45 && o.backlog === 'in-drain-period') return rel < 75 ? 8000 : rel === 75 ? 100 : 0;
    if (rel >= 45 && rel <= 62) return 8000 - 400 * (rel - 44);
    if (rel === 63) return 120;
    return 0;
  };
  let sum = 0;
  for (let rel = 0; rel <= 77; rel++) {
    sum += acked(rel);
    r.lag(r.sec(rel), lag(rel), sum - lag(rel));
  }
}

/**
 * Sentinels of ingest-0, whose clock is 250 ms behind the coordinator's (offset +250). Freshness F = foundAt −
 * (ackedAt + 250); ackedAt = 400 ms into the worker's second, scheduledAt 20 ms earlier.
 */
const FRESHNESS_A: [rel: number, f: number | null][] = [
  [2, 50_000], // warm-up: excluded
  [6, 1200], [8, 1300], [10, 1250], [12, 1400], // baseline
  [36, 5000], [38, 7000], [40, null], [42, null], // overlap: two censored
  [50, 2000], [55, 3000], // recovery
];

interface VariantA {
  neverRecovers?: boolean;
  noBaselineQueries?: boolean;
  backlog?: 'drains' | 'never' | 'in-drain-period';
}

function planA(): RunPlan {
  return goldenPlan({ phases: PHASES_A, groups: [{ name: 'sre', weight: 0.5 }, { name: 'devs', weight: 0.5 }] });
}

function runA(o: VariantA = {}): { plan: RunPlan; records: RawRecord[] } {
  const plan = planA();
  const r = steadyRun(plan, {
    // Clock offsets (coordinator − worker): ingest-0 +250 ms, query-sre-0 −1500 ms (its clock runs ahead), devs 0.
    workers: { 'ingest-0': { offsetMs: 250 }, 'query-sre-0': { offsetMs: -1500 }, 'query-devs-0': { offsetMs: 0 } },
    query: (c) => queryA(c, o),
    ingest: ingestA,
    late: (c) => lateA(plan, c),
    // Phase switches (coordinator clock, after the phase's start): ingest-0 +3 ms, devs +5 ms, sre +10 ms except into
    // overlap (phase 4): +1210 ms.
    switchDelayMs: (w, i) => (w.role === 'ingest' ? 3 : w.group === 'devs' ? 5 : i === 4 ? 1210 : 10),
  });
  lagA(r, o);
  for (const [rel, f] of FRESHNESS_A) {
    const ackedAt = r.sec(rel) * 1000 + 400;
    r.freshness({ n: rel, scheduledAt: ackedAt - 20, ackedAt, foundAt: f === null ? null : ackedAt + 250 + f, worker: 'ingest-0' });
  }
  return { plan, records: r.records };
}

describe('golden derived metrics (SPEC §11)', () => {
  describe('run A: flagship shape, two query groups, late data, lag, freshness, clock offsets', () => {
    let run: RunJson;
    let d: Record<string, number | null>;
    before(() => {
      const { plan, records } = runA();
      run = analyse(plan, records);
      d = run.derived;
    });

    it('takes the baseline percentiles from the merged histogram, not from averaged per-second percentiles', () => {
      // B = 100 ok samples: sre 49 × 50 + 1 × 250, devs 49 × 100 + 1 × 500; sorted: 49 × 50, 49 × 100, 250, 500.
      // p50 = rank ⌈0.50 × 100⌉ = 50 → 100 ms; p99 = rank 99 → 250 ms.
      closeTo(d['query.baseline_p50'], 100, 'baseline p50');
      closeTo(d['query.baseline_p99'], 250, 'baseline p99');
      // Averaging per-second p99s: seconds 5–13 have 5 × 50 + 5 × 100 → p99 (rank 10 of 10) 100; second 14 has
      // 4 × 50, 250, 4 × 100, 500 → 500. Mean = (9 × 100 + 500) / 10 = 140 ms: a different (wrong) answer.
      const { plan, records } = runA();
      const agg = aggregate(plan, records);
      const b = plan.phases[1]!;
      let sum = 0;
      for (let rel = b.offsetS; rel < b.offsetS + b.durationS; rel++) sum += agg.bucket(agg.firstSecond! + rel)!.query!.latency.merged().percentileMs(99)!;
      closeTo(sum / 10, 140, 'mean of per-second p99s');
      assert.ok(Math.abs(d['query.baseline_p99']! - sum / 10) > 100);
    });

    it('takes the overlap percentiles from every ok query of O, late ones included', () => {
      // O ok samples: sre 10 × (17 × 200 + 1 late × 800) = 170 × 200 + 10 × 800; devs ok = started − errors =
      // 5 × (16 − 2) + 5 × (20 − 2) = 160 = 157 × 300 + 3 × 1000 (late in k = 2, 5, 8). n = 340, sorted:
      // ranks 1–170: 200, 171–327: 300, 328–337: 800, 338–340: 1000.
      // p50 = rank 170 → 200; p95 = rank ⌈323⌉ = 323 → 300; p99 = rank ⌈336.6⌉ = 337 → 800; max → 1000.
      closeTo(d['query.overlap_p50'], 200, 'overlap p50');
      closeTo(d['query.overlap_p99'], 800, 'overlap p99');
      closeTo(d['query.phase.overlap.p95'], 300, 'overlap p95');
      closeTo(d['query.phase.overlap.max'], 1000, 'overlap max');
      // p99_ratio = 800 / 250 = 3.2.
      closeTo(d['query.p99_ratio'], 3.2, 'p99 ratio');
    });

    it('computes the overlap error rate, throughput and goodput ratios against the target arrivals', () => {
      // errors: sre 10, devs 20; timeouts: sre 10; dropped: devs 5 × 4 = 20 → 60.
      // started: sre 200 + devs (5 × 16 + 5 × 20 = 180) = 380; started + dropped = 400 → error rate 60 / 400 = 0.15.
      assert.equal(d['query.error_rate_overlap'], 0.15);
      // Target arrivals in O = 40 QPS × 10 s = 400: throughput = 380 / 400 = 0.95, goodput = ok 340 / 400 = 0.85.
      assert.equal(d['query.throughput_ratio'], 0.95);
      assert.equal(d['query.goodput_ratio'], 0.85);
    });

    it('counts the queries started in the run without the warm-up', () => {
      // baseline 100 + trigger 100 + surge 100 + overlap 380 + recovery 200 + post_incident 100 = 980 (warm-up 50 left out).
      assert.equal(d['query.total_executed'], 980);
    });

    it('gives p50/p95/p99/max for every phase and null for the warm-up', () => {
      const expected: Record<string, [number, number, number, number]> = {
        // 49 × 50, 49 × 100, 250, 500: ranks 50, 95, 99, 100.
        baseline: [100, 100, 250, 500],
        // sre 50 × 60, devs 48 × 120 + 2 × 600: ranks 50 → 60, 95 → 120, 99 → 600, 100 → 600.
        incident_trigger: [60, 120, 600, 600],
        // 50 × 80, 50 × 160.
        ingestion_surge: [80, 160, 160, 160],
        overlap: [200, 300, 800, 1000],
        // 200 samples: sre 100 × 50, devs 99 × 100 + 1 × 2000: ranks 100 → 50, 190 → 100, 198 → 100, 200 → 2000.
        recovery: [50, 100, 100, 2000],
        post_incident: [50, 100, 100, 100],
      };
      for (const [phase, values] of Object.entries(expected)) {
        (['p50', 'p95', 'p99', 'max'] as const).forEach((stat, i) => closeTo(d[`query.phase.${phase}.${stat}`], values[i]!, `${phase} ${stat}`));
      }
      for (const stat of ['p50', 'p95', 'p99', 'max']) assert.equal(d[`query.phase.warmup.${stat}`], null, `warmup ${stat}`);
      // The phase table of run.json shows the same figures and counts.
      const o = run.phases.find((p) => p.name === 'overlap')!;
      assert.deepEqual([o.query.target, o.query.started, o.query.ok, o.query.errors, o.query.timeouts, o.query.dropped],
        [400, 380, 340, 30, 10, 20]);
    });

    it('gives per-group baseline/overlap p99, p99 ratio and overlap error rate', () => {
      // sre: B 49 × 50 + 250 → rank 50 of 50 → 250; O 170 × 200 + 10 × 800 → rank ⌈178.2⌉ = 179 → 800; ratio 3.2;
      //      errors 10 + timeouts 10 over started 200 → 0.1.
      closeTo(d['query.group.sre.baseline_p99'], 250, 'sre baseline p99');
      closeTo(d['query.group.sre.overlap_p99'], 800, 'sre overlap p99');
      closeTo(d['query.group.sre.p99_ratio'], 3.2, 'sre ratio');
      assert.equal(d['query.group.sre.error_rate_overlap'], 0.1);
      // devs: B 49 × 100 + 500 → 500; O 157 × 300 + 3 × 1000 → rank ⌈158.4⌉ = 159 → 1000; ratio 2;
      //       (errors 20 + dropped 20) / (started 180 + dropped 20) = 0.2.
      closeTo(d['query.group.devs.baseline_p99'], 500, 'devs baseline p99');
      closeTo(d['query.group.devs.overlap_p99'], 1000, 'devs overlap p99');
      closeTo(d['query.group.devs.p99_ratio'], 2, 'devs ratio');
      assert.equal(d['query.group.devs.error_rate_overlap'], 0.2);
      assert.deepEqual(Object.keys(run.query_groups).sort(), ['devs', 'sre']);
      assert.equal(run.query_groups.devs!.target, 50 + 50 + 50 + 200 + 100 + 50, 'non-warm-up arrivals of the group');
    });

    it('computes the ingest rates and ratios from acked events, late acks included', () => {
      // B acked = 9 × 100 + 90 = 990: baseline_eps = 990 / 10 s = 99; baseline_ratio = 990 / 1000 = 0.99.
      assert.equal(d['ingest.baseline_eps'], 99);
      assert.equal(d['ingest.baseline_ratio'], 0.99);
      // surge acked = 10 × (900 + 50 late) = 9500, overlap 10 × 900 = 9000: peak_eps = 18 500 / 20 s = 925.
      assert.equal(d['ingest.peak_eps'], 925);
      // O: 9000 / 10 000 = 0.9.
      assert.equal(d['ingest.throughput_ratio'], 0.9);
    });

    it('computes consumed EPS per phase from the lag readings (Δ committed / Δt)', () => {
      // consumed = (acked in phase − lag at its last reading + lag before it) / duration:
      // baseline (990 − 0 + 0) / 10 = 99; trigger 3000 / 10 = 300; surge (9500 − 3500 + 0) / 10 = 600;
      // overlap (9000 − 8000 + 3500) / 10 = 450; recovery (2000 − 0 + 8000) / 20 = 500; post (1000) / 10 = 100.
      const expected: Record<string, number | null> = { warmup: null, baseline: 99, incident_trigger: 300,
        ingestion_surge: 600, overlap: 450, recovery: 500, post_incident: 100 };
      for (const [phase, v] of Object.entries(expected)) {
        const got = d[`ingest.phase.${phase}.consumed_eps`];
        if (v === null) assert.equal(got, null, phase);
        else closeTo(got, v, `${phase} consumed_eps`);
      }
    });

    it('finds the peak backlog and its drain time against max(baseline p95 lag, baseline EPS × 1 s)', () => {
      // Peak 8000 at rel 44. Threshold = max(p95 of B's readings 0, 100, 180, 0, 0, 0, 100, 180, 0, 0 (rank 10 of 10
      // → 180), baseline target 100 EPS × 1 s) = 180. Readings after the peak: 7600, 7200, …, 800 (rel 62), 120 (rel
      // 63), 0, 0: 120 ≤ 180 followed by two ≤ 180 → drained at rel 63: 63 − 44 = 19 s (100 alone would give 20).
      assert.equal(d['ingest.peak_backlog'], 8000);
      assert.equal(d['ingest.backlog_drain_time_s'], 19);
    });

    it('computes time to searchable on the coordinator\'s clock, and null where the percentile falls among censored', () => {
      // F = foundAt − (ackedAt + 250): counted samples (warm-up left out) sorted 1200, 1250, 1300, 1400, 2000, 3000,
      // 5000, 7000, censored, censored (n = 10). p50 = rank 5 → 2000 (2250 without the offset); p99 = rank 10 →
      // censored → null ("> 60 s").
      assert.equal(d['ingest.time_to_searchable_p50'], 2000);
      assert.equal(d['ingest.time_to_searchable_p99'], null);
      assert.equal(run.scorecard.time_to_searchable_p99_ms, null);
      // Per phase: baseline rank 4 of 4 → 1400; overlap rank 4 of 4 → censored → null; recovery rank 2 of 2 → 3000.
      assert.equal(d['ingest.phase.baseline.time_to_searchable_p99'], 1400);
      assert.equal(d['ingest.phase.overlap.time_to_searchable_p99'], null);
      assert.equal(d['ingest.phase.recovery.time_to_searchable_p99'], 3000);
      assert.equal(d['ingest.phase.warmup.time_to_searchable_p99'], null);
      assert.equal(run.freshness.found, 8);
      assert.equal(run.freshness.censored, 2);
      assert.equal(run.freshness.phases.overlap!.p50_ms, 7000, 'rank 2 of 4');
      // From the scheduled time (20 ms before the ack): p50 2020.
      assert.equal(run.freshness.from_schedule.p50_ms, 2020);
    });

    it('finds recovery at the first R second whose 5 s window p99 stays ≤ 1.2 × baseline p99 for 5 more seconds', () => {
      // R starts at rel 45; limit 1.2 × 250 = 300 ms. W(45…48) hold overlap seconds with 800 ms queries → break.
      // W(49…53) hold rel 49 with devs' 2000 ms (rank 50 of 50 → 2000) → break. W(54) = rel 50–54: 25 × 50 + 25 × 100
      // → 100 ≤ 300, and so do 55 … 59 → t* = 54: 54 − 45 = 9 s.
      assert.equal(d['recovery.time_to_baseline_s'], 9);
      assert.equal(run.scorecard.recovery_time_s, 9);
    });

    it('gives the ingest step ratio p99(incident_trigger) / p99(baseline) and the query step ratio of consumed EPS', () => {
      // 600 / 250 = 2.4; consumed overlap / surge = 450 / 600 = 0.75.
      closeTo(d['isolation.ingest_step_ratio'], 2.4, 'ingest step ratio');
      closeTo(d['isolation.query_step_ratio'], 0.75, 'query step ratio');
    });

    it('gives each worker its achieved vs target share over the measured phases, the warm-up left out', () => {
      // sre: 5 a second in every measured phase, 20 in overlap: 50 + 50 + 50 + 200 + 100 + 50 = 500 of 500 (its 25
      // warm-up queries are not counted); devs starts 16 in the even overlap seconds: 500 − 20 = 480 of 500.
      assert.deepEqual([run.workers['query-sre-0']!.query!.started, run.workers['query-sre-0']!.query!.target], [500, 500]);
      assert.deepEqual([run.workers['query-devs-0']!.query!.started, run.workers['query-devs-0']!.query!.target], [480, 500]);
      assert.equal(run.workers['query-devs-0']!.query!.achieved_ratio, 0.96);
      // ingest-0: 27 000 events due after the warm-up (500 in it), 990 + 3 000 + 9 500 + 9 000 + 2 000 + 1 000 acked.
      const measured = run.phases.filter((p) => p.role !== 'warmup');
      assert.equal(run.workers['ingest-0']!.ingest!.target, 27_000);
      assert.equal(run.workers['ingest-0']!.ingest!.acked, 25_490);
      assert.equal(run.workers['ingest-0']!.ingest!.acked, measured.reduce((a, p) => a + p.ingest!.acked, 0));
    });

    it('measures phase skew and clock offsets on the coordinator\'s clock', () => {
      // Offsets: min(receivedAt − at) = offset + the heartbeat's 0 ms delay: +250, −1500, 0 → largest magnitude 1500.
      assert.equal(d['harness.clock_offset_ms_max'], 1500);
      assert.equal(run.workers['query-sre-0']!.clock_offset_ms, -1500);
      assert.equal(run.workers['ingest-0']!.clock_offset_ms, 250);
      // Switches after each phase's start: ingest +3, devs +5, sre +10 (overlap +1210). Skew per phase = 10 − 3 = 7,
      // overlap 1210 − 3 = 1207 ms (sre's raw times, 1500 ms ahead, would say 2707).
      assert.equal(d['harness.phase_skew_ms'], 1207);
      assert.deepEqual(run.phases.map((p) => p.skew_ms), [7, 7, 7, 7, 1207, 7, 7]);
      // Measured durations: first switch (ingest-0, +3 ms) to the next phase's first switch = planned; the last phase
      // ends at the last done (end + 400 ms): 75.400 − 65.003 = 10.397 s.
      assert.deepEqual(run.phases.map((p) => p.measured_duration_s), [5, 10, 10, 10, 10, 20, 10.397]);
    });

    it('puts the scorecard together from the derived metrics, and shows streams and data quality', () => {
      assert.deepEqual(Object.keys(run.scorecard), ['baseline_p99_ms', 'overlap_p99_ms', 'p99_degradation_ratio',
        'query_error_rate_overlap', 'peak_backlog', 'backlog_drain_time_s', 'recovery_time_s', 'time_to_searchable_p99_ms']);
      closeTo(run.scorecard.baseline_p99_ms, 250, 'scorecard baseline p99');
      closeTo(run.scorecard.overlap_p99_ms, 800, 'scorecard overlap p99');
      assert.equal(run.scorecard.query_error_rate_overlap, 0.15);
      assert.equal(run.scorecard.peak_backlog, 8000);
      assert.equal(run.scorecard.backlog_drain_time_s, 19);
      // Stream: targets without warm-up 1000 + 3000 + 10 000 + 10 000 + 2000 + 1000 = 27 000; acked 990 + 3000 + 9500
      // + 9000 + 2000 + 1000 = 25 490; consumed = Σ Δ committed from reading 0 to 77 = 25 990 acked through rel 74 − the
      // 100 committed at the first reading = 25 890.
      assert.deepEqual(run.streams['unit-logs'], { index: 'unit-logs', topic: 'ib.golden.events', target: 27_000,
        acked: 25_490, consumed: 25_890, peak_backlog: 8000, time_to_searchable_p99_ms: null });
      // Late entries: 2 query workers × 10 overlap seconds + 10 surge seconds of ingest-0 = 30; no late snapshot.
      assert.equal(run.data_quality.late_entries, 30);
      assert.equal(run.data_quality.late_snapshots, 0);
    });
  });

  describe('run A variants', () => {
    it('gives a null recovery time when the window p99 never returns under 1.2 × baseline p99', () => {
      // A 2000 ms devs query in every second from the start of R to the end of the last phase: every window W(t)
      // holds 5 of them among ≤ 50 samples → p99 (rank ≥ 49 of 50) = 2000 > 300 until the end → null.
      // (Only in R would not do: the search goes on through post_incident and would find t* = 69.)
      const { plan, records } = runA({ neverRecovers: true });
      assert.equal(analyse(plan, records).derived['recovery.time_to_baseline_s'], null);
    });

    it('gives null for every ratio to a baseline without queries (and for recovery, which needs the baseline p99)', () => {
      const { plan, records } = runA({ noBaselineQueries: true });
      const d = analyse(plan, records).derived;
      for (const k of ['query.baseline_p50', 'query.baseline_p99', 'query.p99_ratio', 'recovery.time_to_baseline_s',
        'isolation.ingest_step_ratio', 'query.group.sre.p99_ratio', 'query.phase.baseline.p99']) assert.equal(d[k], null, k);
      closeTo(d['query.overlap_p99'], 800, 'overlap p99 is still computed');
    });

    it('gives a null drain time when the backlog never drains, the drain period included', () => {
      // Lag stays 8000 from rel 44 through the drain readings 75–77.
      const { plan, records } = runA({ backlog: 'never' });
      const d = analyse(plan, records).derived;
      assert.equal(d['ingest.peak_backlog'], 8000);
      assert.equal(d['ingest.backlog_drain_time_s'], null);
    });

    it('counts a drain that ends in the drain period after the timeline', () => {
      // Lag 8000 from rel 44 to 74, then 100 (rel 75), 0, 0 → drained at 75: 75 − 44 = 31 s.
      const { plan, records } = runA({ backlog: 'in-drain-period' });
      assert.equal(analyse(plan, records).derived['ingest.backlog_drain_time_s'], 31);
    });
  });

  // ==============================================================================================================
  // Run C: isolation correlations with a known r. One 100 s phase `baseline`; blocks k = 0…9 of 10 s each.
  // Acked EPS is 100 × (k + 1) in every second of block k. Queries complete only in the last second of a block
  // (rel 10k + 9): 5 + k ok queries, all at (1000 + 100 × y_k) µs with y = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9]
  // (< 2048 µs: exact hdr buckets). Consumed EPS = ρ_k × acked with ρ_k = 0.5 + 0.05 × z_k,
  // z = [1, 3, 2, 5, 4, 7, 6, 9, 8, 10].
  // Smoothing over 10 s at rel 10k + 9 covers exactly block k: acked → 100 (k + 1); p99 → the only non-null value,
  // 1 + 0.1 y_k ms; started QPS → (5 + k) / 10; consumed ÷ acked → ρ_k. Only the seconds 10k + 9 have ≥ 5 queries,
  // so the pairs are (k + 1, y_k) and (k, z_k) up to linear maps, which leave r unchanged:
  //   x = 1…10: x̄ = 5.5, Σ(x − x̄)² = 82.5; y and z are permutations of 1…10, so their Σ(· − ·̄)² = 82.5 too.
  //   Σ x·y = 1·2 + 2·1 + 3·4 + 4·3 + 5·6 + 6·5 + 7·8 + 8·7 + 9·10 + 10·9 = 380 → Σ(x − x̄)(y − ȳ) = 380 − 10 · 5.5² = 77.5
  //   → r = 77.5 / 82.5 = 31/33.
  //   Σ x·z = 1 + 6 + 6 + 20 + 20 + 42 + 42 + 72 + 72 + 100 = 381 → 78.5 → r = 78.5 / 82.5 = 157/165.
  // ==============================================================================================================

  const Y = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9];
  const Z = [1, 3, 2, 5, 4, 7, 6, 9, 8, 10];

  function runC(blocksWithQueries: number): { plan: RunPlan; records: RawRecord[] } {
    const plan = goldenPlan({ phases: [{ name: 'baseline', durationS: 100, eps: 550, qps: 1 }] });
    const block = (rel: number) => Math.floor(rel / 10);
    const r = steadyRun(plan, {
      ingest: (c) => ({ due: 100 * (block(c.rel) + 1), acked: 100 * (block(c.rel) + 1) }),
      query: (c) => {
        const k = block(c.rel);
        if (c.rel % 10 !== 9) return { due: 0 };
        const n = k < blocksWithQueries ? 5 + k : 4;
        return { due: n, started: n, latencyMs: times(n, (1000 + 100 * Y[k]!) / 1000) };
      },
    });
    let committed = 0;
    let ackedSum = 0;
    for (let rel = 0; rel < 100; rel++) {
      const k = block(rel);
      const acked = 100 * (k + 1);
      ackedSum += acked;
      committed += Math.round(acked * (0.5 + 0.05 * Z[k]!));
      r.lag(r.sec(rel), ackedSum - committed, committed);
    }
    return { plan, records: r.records };
  }

  describe('run C: isolation correlations', () => {
    it('gives r = 31/33 for acked EPS vs query p99 and r = 157/165 for started QPS vs consumed ÷ acked', () => {
      const { plan, records } = runC(10);
      const d = analyse(plan, records).derived;
      assert.ok(Math.abs(d['isolation.ingest_impact_on_query']! - 31 / 33) < 1e-9, String(d['isolation.ingest_impact_on_query']));
      assert.ok(Math.abs(d['isolation.query_impact_on_ingest']! - 157 / 165) < 1e-9, String(d['isolation.query_impact_on_ingest']));
    });

    it('gives null with fewer than 10 seconds of ≥ 5 completed queries', () => {
      // Block 9 has 4 queries: 9 pairs.
      const { plan, records } = runC(9);
      const d = analyse(plan, records).derived;
      assert.equal(d['isolation.ingest_impact_on_query'], null);
      assert.equal(d['isolation.query_impact_on_ingest'], null);
    });
  });

  // ==============================================================================================================
  // Run D: a scaled run (rate_scale 0.1, duration_scale 2). Phases at scale 1: baseline 15 s, overlap 15 s, each
  // 1000 EPS and 20 QPS → planned 30 s each at 100 EPS and 2 QPS (60 arrivals each). Everything runs to plan, 50 ms.
  // Rules see normalised values: rates ÷ 0.1, counts ÷ (0.1 × 2) = ÷ 0.2; latencies and ratios as they are.
  // ==============================================================================================================

  describe('run D: scaled run, rules and thresholds on normalised metrics', () => {
    let run: RunJson;
    before(() => {
      const plan = goldenPlan({
        phases: [{ name: 'baseline', durationS: 15, eps: 1000, qps: 20 }, { name: 'overlap', durationS: 15, eps: 1000, qps: 20 }],
        rateScale: 0.1, durationScale: 2,
        rules: [
          { name: 'eps', condition: 'ingest.baseline_eps >= 1000', message: 'baseline ingest reaches 1000 EPS at scale 1' },
          { name: 'volume', condition: 'query.total_executed == 600', message: '600 queries at scale 1' },
          { name: 'backlog', condition: 'peak_backlog > 2000', message: 'backlog above 2000 at scale 1' },
          { name: 'latency', condition: 'query.baseline_p99 < 60', message: 'p99 under 60 ms' },
          { name: 'recovered', condition: 'recovery_time_s < 30', message: 'recovers within 30 s' },
        ],
        thresholds: ['p99_degradation_ratio < 2', 'ingest.baseline_eps > 2000'],
      });
      assert.deepEqual(plan.phases.map((p) => [p.durationS, p.targetEps, p.targetQps, p.events]), [[30, 100, 2, 3000], [30, 100, 2, 3000]]);
      const r = steadyRun(plan);
      // Lag: 0, then 500 at rel 40, 0 again.
      for (let rel = 0; rel < 63; rel++) r.lag(r.sec(rel), rel === 40 ? 500 : 0);
      run = analyse(plan, r.records);
    });

    it('normalises rates by rate_scale and counts by rate_scale × duration_scale, and shows raw and normalised', () => {
      const rule = (name: string) => run.rules.find((x) => x.name === name)!;
      // baseline_eps raw = 3000 / 30 = 100 → 100 / 0.1 = 1000 ≥ 1000.
      assert.deepEqual(rule('eps').metrics, { 'ingest.baseline_eps': { raw: 100, normalised: 1000 } });
      assert.equal(rule('eps').passed, true);
      // total_executed raw = 60 + 60 = 120 → 120 / 0.2 = 600.
      assert.deepEqual(rule('volume').metrics, { 'query.total_executed': { raw: 120, normalised: 600 } });
      assert.equal(rule('volume').passed, true);
      // peak_backlog raw 500 → 2500 > 2000 (raw 500 would fail).
      assert.deepEqual(rule('backlog').metrics, { 'ingest.peak_backlog': { raw: 500, normalised: 2500 } });
      assert.equal(rule('backlog').passed, true);
      // A latency is not touched: 50 ms (hdr 50.015) both raw and normalised.
      const lat = rule('latency').metrics['query.baseline_p99']!;
      assert.equal(lat.raw, lat.normalised);
      closeTo(lat.raw, 50, 'baseline p99');
      assert.equal(rule('latency').passed, true);
    });

    it('makes a rule on a null metric false, with the reason', () => {
      // No recovery phase → recovery.time_to_baseline_s is null.
      const r = run.rules.find((x) => x.name === 'recovered')!;
      assert.equal(r.passed, false);
      assert.deepEqual(r.metrics, { 'recovery.time_to_baseline_s': { raw: null, normalised: null } });
      assert.equal(r.reason, 'recovery.time_to_baseline_s had no value');
      const v = run.run.validity_violations.find((x) => x.name === 'recovered')!;
      assert.equal(v.message, 'recovers within 30 s (recovery_time_s < 30: recovery.time_to_baseline_s = no value '
        + '(recovery.time_to_baseline_s had no value))');
    });

    it('evaluates thresholds on normalised values and lists { condition, value, passed }', () => {
      // p99 ratio = 50 / 50 = 1 < 2 → passed; baseline_eps normalised 1000 > 2000 → failed, value 1000.
      assert.equal(run.thresholds.length, 2);
      assert.equal(run.thresholds[0]!.condition, 'p99_degradation_ratio < 2');
      closeTo(run.thresholds[0]!.value, 1, 'ratio');
      assert.equal(run.thresholds[0]!.passed, true);
      assert.deepEqual([run.thresholds[1]!.condition, run.thresholds[1]!.value, run.thresholds[1]!.passed], ['ingest.baseline_eps > 2000', 1000, false]);
      assert.deepEqual(run.thresholds[1]!.metrics, { 'ingest.baseline_eps': { raw: 100, normalised: 1000 } });
      assert.equal(run.derived['ingest.baseline_eps'], 100, 'derived keeps the raw value');
    });
  });
});
