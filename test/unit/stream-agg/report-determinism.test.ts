import assert from 'node:assert/strict';
import { rebuildRun } from '../../../src/report/rebuild-run.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { parseRecordLine, recordLine, type RawRecord } from '../../../src/stream-agg/records.js';
import type { RunJson } from '../../../src/stream-agg/run-result-types.js';
import { analyse, goldenPlan, standardPhases, steadyRun, T0_MS, times } from '../../support/run-records.js';

// SPEC §13.1: `report` rebuilds run.json from plan.json + snapshots.jsonl alone, and the same input gives the same
// output apart from the generation timestamp. The run below uses every kind of record: control with clock offsets,
// snapshots with late entries and varying latencies, a lost worker, lag readings with a drain, freshness (one
// censored), two query groups and a threshold.

function richRun(): { plan: RunPlan; records: RawRecord[] } {
  const plan = goldenPlan({
    phases: standardPhases([30, 30, 30, 30, 30, 30], [100, 300, 1000, 1000, 100, 100], [4, 4, 4, 12, 4, 4]),
    groups: [{ name: 'sre', weight: 0.5 }, { name: 'devs', weight: 0.5 }], queryWorkers: 2, thresholds: ['p99_degradation_ratio < 3'],
  });
  const r = steadyRun(plan, {
    workers: { 'ingest-0': { offsetMs: 120 }, 'query-sre-1': { offsetMs: -900 }, 'query-devs-1': { lostAt: T0_MS + 150_000 } },
    silent: (c) => c.worker.id === 'query-devs-1' && c.rel >= 140,
    ingest: (c) => ({ due: c.due, acked: c.phase.name === 'overlap' ? c.due - 7 * (c.k % 3) : c.due, failed: c.phase.name === 'overlap' ? 7 * (c.k % 3) : 0 }),
    query: (c) => {
      const slow = c.phase.name === 'overlap' ? 400 + 10 * c.k : 40 + (c.rel % 7) * 3;
      const ok = Math.max(0, c.due - (c.k % 5 === 0 ? 1 : 0));
      return { due: c.due, started: c.due, errors: c.due - ok, latencyMs: [...times(Math.max(0, ok - 1), 35 + c.k), ...(ok > 0 ? [slow] : [])] };
    },
    late: (c) => (c.worker.role === 'query' && c.k > 0 && c.phase.name === 'overlap' ? new Map([[c.rel - 1, { query: { latencyMs: [900 + c.k] } }]]) : undefined),
    switchDelayMs: (w, i) => 5 + 3 * i + (w.role === 'ingest' ? 0 : 2),
  });
  let committed = 0;
  for (let rel = 0; rel < 200; rel++) {
    const lag = rel >= 60 && rel < 120 ? 300 * (rel - 59) : rel >= 120 && rel < 150 ? Math.max(0, 18_000 - 700 * (rel - 119)) : 0;
    committed += 100;
    r.lag(r.sec(rel), lag, committed);
  }
  for (let i = 0; i < 12; i++) {
    const ackedAt = T0_MS + 3_000 + i * 15_000;
    r.freshness({ n: i, scheduledAt: ackedAt - 30, ackedAt, foundAt: i === 7 ? null : ackedAt + 120 + 800 + 97 * i, worker: 'ingest-0' });
  }
  return { plan, records: r.records };
}

function withoutGeneratedAt(run: RunJson): Omit<RunJson, 'generated_at'> {
  const { generated_at: _ignored, ...rest } = run;
  return rest;
}

describe('report determinism (SPEC §13.1)', () => {
  it('gives the same run.json, apart from generated_at, for the same records built twice', () => {
    const a = richRun();
    const b = richRun();
    assert.deepEqual(a.records.map(recordLine), b.records.map(recordLine), 'the builder itself is deterministic');
    const x = analyse(a.plan, a.records, { generatedAt: '2026-01-01T00:00:00.000Z' });
    const y = analyse(b.plan, b.records, { generatedAt: '2026-06-30T12:34:56.000Z' });
    assert.notEqual(x.generated_at, y.generated_at);
    assert.equal(JSON.stringify(withoutGeneratedAt(x)), JSON.stringify(withoutGeneratedAt(y)), 'byte for byte, key order included');
    // The run exercises what the rebuild must reproduce.
    assert.ok(x.data_quality.late_entries > 0);
    assert.equal(x.workers['query-devs-1']!.lost, true);
    assert.equal(x.freshness.censored, 1);
    assert.notEqual(x.derived['ingest.backlog_drain_time_s'], null);
  });

  it('gives the same run.json from a fresh aggregator over the same list, twice', () => {
    const { plan, records } = richRun();
    const x = analyse(plan, records);
    const y = analyse(plan, records);
    assert.deepEqual(x, y);
  });

  it('gives the same run.json after a JSON round trip of the records (recordLine → parseRecordLine)', () => {
    const { plan, records } = richRun();
    const lines = records.map(recordLine);
    const parsed = lines.map((line) => {
      const p = parseRecordLine(line);
      assert.ok(p.ok && p.record !== null, `line did not parse: ${line.slice(0, 80)}`);
      return p.record;
    });
    assert.equal(parsed.length, records.length);
    assert.equal(JSON.stringify(analyse(plan, parsed)), JSON.stringify(analyse(plan, records)));
    // …and through `report`'s own path from snapshots.jsonl lines.
    const meta = { version: '0.0.0-test', generatedAt: '2026-01-01T00:00:00.000Z' };
    assert.equal(JSON.stringify(rebuildRun(plan, lines, meta)), JSON.stringify(analyse(plan, records)));
  });
});
