// Unit tests of the human renderings of live-topic messages (`incidentbench metrics` line output, SPEC §10.3, §14).
// Must not touch Kafka or a terminal.

import assert from 'node:assert/strict';
import {
  formatClock, formatCount, formatLivePoint, formatMs, formatPercent, formatRate, formatRunState, formatRunSummary, printable,
} from '../../../src/cli/live-line.js';
import { livePoint, liveState, liveSummary } from '../../support/live-messages.js';

describe('live line: one human line per LivePoint', () => {
  it('renders every field in the documented order, times as the end of the closed second', () => {
    const line = formatLivePoint(livePoint('r', 132));
    assert.equal(line, '[overlap 02:13/03:00] EPS 2,000 tgt / 1,998 acked / 1,450 consumed · lag 12,340 · QPS 9.8/10.0 · '
      + 'p50 41 ms p99 870 ms · err 0.3 % · fresh p99 5.2 s · workers 2 (0 saturated) · recovered –');
  });

  it('prints every null value as "–"', () => {
    const line = formatLivePoint(livePoint('r', 0, {
      consumedEps: null, lag: null, p50Ms: null, p99Ms: null, errorRate: null, freshnessP99Ms: null, recovered: null,
    }));
    assert.equal(line, '[overlap 00:01/03:00] EPS 2,000 tgt / 1,998 acked / – consumed · lag – · QPS 9.8/10.0 · '
      + 'p50 – p99 – · err – · fresh p99 – · workers 2 (0 saturated) · recovered –');
  });

  it('shows the recovery signal and flags harness saturation', () => {
    assert.match(formatLivePoint(livePoint('r', 5, { recovered: true })), / · recovered yes$/);
    assert.match(formatLivePoint(livePoint('r', 5, { recovered: false })), / · recovered no$/);
    const sat = formatLivePoint(livePoint('r', 5, { saturated: true, saturatedWorkers: 1 }));
    assert.match(sat, /workers 2 \(1 saturated\) · recovered – · HARNESS SATURATED$/);
  });

  it('shows the drain past the planned duration', () => {
    assert.match(formatLivePoint(livePoint('r', 185, { phase: 'drain' })), /^\[drain 03:06\/03:00\] /);
  });

  it('replaces control characters of a phase name so a message cannot drive the terminal', () => {
    const line = formatLivePoint(livePoint('r', 0, { phase: 'x\u001b[2Jy\n' }));
    assert.ok(line.startsWith('[x?[2Jy? 00:01/03:00]'), line);
    assert.equal(printable('ok\u0007\u009b'), 'ok??');
  });
});

describe('live line: value formats', () => {
  it('formats counts with thousands separators and rounds them', () => {
    assert.equal(formatCount(1_234_567.6), '1,234,568');
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(null), '–');
  });

  it('formats rates with one decimal', () => {
    assert.equal(formatRate(10), '10.0');
    assert.equal(formatRate(1234.56), '1,234.6');
  });

  it('formats durations in ms below a second and in s above', () => {
    assert.deepEqual([0.423, 4.24, 41.4, 999.4, 999.6, 5200, 125_000].map(formatMs),
      ['0.42 ms', '4.2 ms', '41 ms', '999 ms', '1.0 s', '5.2 s', '125 s']);
  });

  it('formats ratios as percentages, keeping tiny non-zero ones visible', () => {
    assert.equal(formatPercent(0.003), '0.3 %');
    assert.equal(formatPercent(0), '0.0 %');
    assert.equal(formatPercent(0.0001), '<0.1 %');
    assert.equal(formatPercent(1), '100.0 %');
  });

  it('formats clocks as mm:ss, with hours from one hour on', () => {
    assert.equal(formatClock(0), '00:00');
    assert.equal(formatClock(133), '02:13');
    assert.equal(formatClock(3725), '1:02:05');
    assert.equal(formatClock(-4), '00:00');
  });
});

describe('live line: RunState and RunSummary', () => {
  it('renders the stage and the ready counts per role', () => {
    assert.equal(formatRunState(liveState('r')), 'stage running: 3/3 ingest, 2/2 query ready');
    assert.equal(formatRunState(liveState('r', { stage: 'waiting', ready: { ingest: 1, query: 0 }, reason: 'READY barrier' })),
      'stage waiting: 1/3 ingest, 0/2 query ready — READY barrier');
  });

  it('renders a valid summary with the scorecard in SPEC order, units per key, and the report dir', () => {
    const lines = formatRunSummary(liveSummary('r'));
    assert.deepEqual(lines, [
      'run r finished: valid (exit code 0)',
      'scorecard:',
      '  baseline_p99_ms            41 ms',
      '  overlap_p99_ms             870 ms',
      '  p99_degradation_ratio      21.22 ×',
      '  query_error_rate_overlap   0.3 %',
      '  peak_backlog               12,340 events',
      '  backlog_drain_time_s       35 s',
      '  recovery_time_s            –',
      '  time_to_searchable_p99_ms  5.2 s',
      'violations: none',
      'warnings: none',
      'thresholds: none',
      'report: /tmp/results/run-1',
    ]);
  });

  it('lists violations, warnings and thresholds of an invalid summary', () => {
    const lines = formatRunSummary(liveSummary('r', {
      valid: false, comparable: false, exitCode: 2, reportDir: null,
      violations: [{ rule: 'baseline_stability', name: 'baseline stability', message: 'p99 CV 0.41 > 0.25' }],
      warnings: [{ code: 'harness_saturated', message: 'ingest-0 saturated for 12 s' }],
      thresholds: [
        { condition: 'p99_degradation_ratio < 3', value: 21.22, passed: false, metrics: {} },
        { condition: 'query.error_rate_overlap < 0.05', value: 0.003, passed: true, metrics: {} },
      ],
    }));
    assert.equal(lines[0], 'run r finished: INVALID, not comparable (exit code 2)');
    const tail = lines.slice(lines.indexOf('violations (1):'));
    assert.deepEqual(tail, [
      'violations (1):',
      '  - baseline stability: p99 CV 0.41 > 0.25',
      'warnings (1):',
      '  - harness_saturated: ingest-0 saturated for 12 s',
      'thresholds (1/2 passed):',
      '  - FAIL  p99_degradation_ratio < 3 (value 21.22)',
      '  - pass  query.error_rate_overlap < 0.05 (value 0.003)',
      'report: not written',
    ]);
  });
});
