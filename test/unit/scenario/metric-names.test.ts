import assert from 'node:assert/strict';
import {
  EMPHASIS_ALIASES, SCORECARD_KEYS, SCORECARD_METRICS, metricCatalogue, metricInfo, resolveEmphasis, resolveMetricName,
  scaleDivisor,
} from '../../../src/scenario/metric-names.js';
import type { MetricNameContext } from '../../../src/scenario/metric-names.js';

const PHASES = ['baseline', 'incident_trigger', 'ingestion_surge', 'overlap', 'recovery', 'post_incident'];
const CTX: MetricNameContext = { phases: PHASES, groups: [] };

function resolved(name: string, ctx: MetricNameContext = CTX): string {
  const r = resolveMetricName(name, ctx);
  if (!r.ok) assert.fail(r.message);
  return r.metric.name;
}

function problem(name: string, ctx: MetricNameContext = CTX): string {
  const r = resolveMetricName(name, ctx);
  if (r.ok) assert.fail(`expected ${name} to be unknown`);
  return r.message;
}

describe('metric names (SPEC §11)', () => {
  it('lists the primary scorecard in the order of SPEC §11', () => {
    assert.deepEqual([...SCORECARD_KEYS], ['baseline_p99_ms', 'overlap_p99_ms', 'p99_degradation_ratio',
      'query_error_rate_overlap', 'peak_backlog', 'backlog_drain_time_s', 'recovery_time_s', 'time_to_searchable_p99_ms']);
  });

  it('maps every scorecard key to its dotted metric, which points back to the key', () => {
    assert.deepEqual({ ...SCORECARD_METRICS }, {
      baseline_p99_ms: 'query.baseline_p99', overlap_p99_ms: 'query.overlap_p99', p99_degradation_ratio: 'query.p99_ratio',
      query_error_rate_overlap: 'query.error_rate_overlap', peak_backlog: 'ingest.peak_backlog',
      backlog_drain_time_s: 'ingest.backlog_drain_time_s', recovery_time_s: 'recovery.time_to_baseline_s',
      time_to_searchable_p99_ms: 'ingest.time_to_searchable_p99',
    });
    for (const key of SCORECARD_KEYS) assert.equal(metricInfo(SCORECARD_METRICS[key])?.scorecardKey, key, key);
    assert.equal(metricInfo('query.baseline_p50')?.scorecardKey, null);
  });

  it('resolves dotted names as written and scorecard keys to dotted names', () => {
    assert.equal(resolved('query.baseline_p99'), 'query.baseline_p99');
    assert.equal(resolved('ingest.baseline_eps'), 'ingest.baseline_eps');
    assert.equal(resolved('query.total_executed'), 'query.total_executed');
    assert.equal(resolved('p99_degradation_ratio'), 'query.p99_ratio');
    assert.equal(resolved('recovery_time_s'), 'recovery.time_to_baseline_s');
  });

  it('resolves per-phase names for every phase of the scenario', () => {
    for (const stat of ['p50', 'p95', 'p99', 'max']) assert.equal(resolved(`query.phase.overlap.${stat}`), `query.phase.overlap.${stat}`);
    assert.equal(resolved('ingest.phase.ingestion_surge.consumed_eps'), 'ingest.phase.ingestion_surge.consumed_eps');
    assert.equal(resolved('ingest.phase.recovery.time_to_searchable_p99'), 'ingest.phase.recovery.time_to_searchable_p99');
    assert.equal(resolved('query.phase.load-2.p99', { phases: ['load-2'], groups: [] }), 'query.phase.load-2.p99');
  });

  it('knows the implicit group "default" only when the scenario declares no groups', () => {
    assert.equal(resolved('query.group.default.overlap_p99'), 'query.group.default.overlap_p99');
    const ctx = { phases: PHASES, groups: ['fast', 'slow'] };
    for (const stat of ['overlap_p99', 'baseline_p99', 'p99_ratio', 'error_rate_overlap']) {
      assert.equal(resolved(`query.group.slow.${stat}`, ctx), `query.group.slow.${stat}`);
    }
    assert.equal(problem('query.group.default.p99_ratio', ctx), 'unknown metric "query.group.default.p99_ratio": "default" is '
      + 'not a query group of this scenario; expected one of "fast", "slow"');
  });

  it('suggests the closest name for a typo', () => {
    assert.equal(problem('query.baseline_p999'), 'unknown metric "query.baseline_p999" (did you mean "query.baseline_p99"?); '
      + 'expected a dotted metric name or a scorecard key of SPEC §11, e.g. "query.baseline_p99" or "p99_degradation_ratio"');
    assert.equal(problem('p99_degradation_ration'), 'unknown metric "p99_degradation_ration" (did you mean "p99_degradation_ratio"?); '
      + 'expected a dotted metric name or a scorecard key of SPEC §11, e.g. "query.baseline_p99" or "p99_degradation_ratio"');
  });

  it('gives no suggestion when nothing is close', () => {
    assert.equal(problem('cpu'), 'unknown metric "cpu"; expected a dotted metric name or a scorecard key of SPEC §11, '
      + 'e.g. "query.baseline_p99" or "p99_degradation_ratio"');
  });

  it('names the phase that does not exist in a per-phase name', () => {
    assert.equal(problem('query.phase.overlapp.p99'), 'unknown metric "query.phase.overlapp.p99": "overlapp" is not a phase of '
      + 'this scenario (did you mean "overlap"?); expected one of "baseline", "incident_trigger", "ingestion_surge", "overlap", '
      + '"recovery", "post_incident"');
  });

  it('names the statistic that does not exist in a per-phase or per-group name', () => {
    assert.equal(problem('query.phase.overlap.p90'), 'unknown metric "query.phase.overlap.p90": query.phase.<phase> has no "p90" '
      + '(did you mean "p50"?); expected one of "p50", "p95", "p99", "max"');
    assert.equal(problem('ingest.phase.overlap.eps'), 'unknown metric "ingest.phase.overlap.eps": ingest.phase.<phase> has no "eps"; '
      + 'expected one of "consumed_eps", "time_to_searchable_p99"');
    assert.equal(problem('query.group.default.p99ratio'), 'unknown metric "query.group.default.p99ratio": query.group.<group> has '
      + 'no "p99ratio" (did you mean "p99_ratio"?); expected one of "overlap_p99", "baseline_p99", "p99_ratio", "error_rate_overlap"');
  });

  it('does not take object prototype keys for metrics', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'query.phase.overlap.constructor', 'hasOwnProperty']) {
      assert.equal(metricInfo(name), null, name);
      assert.equal(resolveMetricName(name, CTX).ok, false, name);
    }
  });

  it('gives each metric its kind for scaled-run normalisation', () => {
    const kinds: [string, string][] = [
      ['ingest.baseline_eps', 'rate'], ['ingest.peak_eps', 'rate'], ['ingest.phase.overlap.consumed_eps', 'rate'],
      ['query.total_executed', 'count'], ['ingest.peak_backlog', 'count'],
      ['query.baseline_p99', 'latency'], ['query.phase.x.max', 'latency'], ['ingest.time_to_searchable_p99', 'latency'],
      ['query.group.g.baseline_p99', 'latency'], ['ingest.phase.x.time_to_searchable_p99', 'latency'],
      ['query.p99_ratio', 'ratio'], ['query.error_rate_overlap', 'ratio'], ['isolation.ingest_impact_on_query', 'ratio'],
      ['query.group.g.error_rate_overlap', 'ratio'],
      ['ingest.backlog_drain_time_s', 'time'], ['recovery.time_to_baseline_s', 'time'], ['harness.phase_skew_ms', 'time'],
    ];
    for (const [name, kind] of kinds) assert.equal(metricInfo(name)?.kind, kind, name);
    assert.equal(metricInfo('harness.phase_skew_ms')?.unit, 'ms');
    assert.equal(metricInfo('recovery.time_to_baseline_s')?.unit, 's');
  });

  it('recognises family names for any phase or group segment but rejects malformed ones', () => {
    assert.equal(metricInfo('query.phase.anything.p95')?.name, 'query.phase.anything.p95');
    assert.equal(metricInfo('query.phase.Overlap.p95'), null);
    assert.equal(metricInfo('query.phase.overlap.p95.x'), null);
    assert.equal(metricInfo('query.other.overlap.p95'), null);
  });

  it('catalogues every static metric and every family member for the scenario', () => {
    const names = metricCatalogue({ phases: ['a', 'b'], groups: ['g'] }).map((m) => m.name);
    assert.equal(names.length, 24 + 2 * 4 + 1 * 4 + 2 * 2);
    assert.equal(new Set(names).size, names.length);
    for (const n of ['harness.clock_offset_ms_max', 'query.phase.b.max', 'query.group.g.p99_ratio', 'ingest.phase.a.consumed_eps']) {
      assert.ok(names.includes(n), n);
    }
    for (const n of names) assert.notEqual(metricInfo(n), null, n);
  });

  describe('report.emphasis', () => {
    it('accepts the reference file names, mapping the aliases to scorecard keys', () => {
      assert.deepEqual(EMPHASIS_ALIASES, { backlog_drain_time: 'backlog_drain_time_s', recovery_time: 'recovery_time_s' });
      const got = ['p99_degradation_ratio', 'backlog_drain_time', 'recovery_time'].map((n) => {
        const r = resolveEmphasis(n, CTX);
        return r.ok ? [r.metric.name, r.metric.scorecardKey] : r.message;
      });
      assert.deepEqual(got, [['query.p99_ratio', 'p99_degradation_ratio'], ['ingest.backlog_drain_time_s', 'backlog_drain_time_s'],
        ['recovery.time_to_baseline_s', 'recovery_time_s']]);
    });

    it('accepts a dotted metric name', () => {
      const r = resolveEmphasis('query.phase.overlap.p99', CTX);
      assert.deepEqual(r.ok && [r.metric.name, r.metric.scorecardKey], ['query.phase.overlap.p99', null]);
    });

    it('words an unknown name as a warning with a suggestion and the scorecard keys', () => {
      assert.deepEqual(resolveEmphasis('recovery_tme', CTX), { ok: false, message: '"recovery_tme" matches no scorecard metric '
        + '(did you mean "recovery_time"?); expected one of "baseline_p99_ms", "overlap_p99_ms", "p99_degradation_ratio", '
        + '"query_error_rate_overlap", "peak_backlog", "backlog_drain_time_s", "recovery_time_s", "time_to_searchable_p99_ms"' });
    });
  });

  it('divides rates by rate_scale, counts by rate_scale × duration_scale, and nothing else', () => {
    const scales = { rateScale: 0.5, durationScale: 0.25 };
    assert.equal(scaleDivisor('rate', scales), 0.5);
    assert.equal(scaleDivisor('count', scales), 0.125);
    for (const k of ['latency', 'ratio', 'time'] as const) assert.equal(scaleDivisor(k, scales), 1);
  });
});
