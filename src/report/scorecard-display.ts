// How each scorecard metric (SPEC §11) is shown to people: label, unit, number format and a one-line meaning.
// Shared by report.html and compare.html; must not compute or judge metrics.

import type { ScorecardKey } from '../scenario/metric-names.js';
import {
  formatCount, formatMs, formatPercent, formatRatio, formatSeconds, formatSignificant, formatSigned,
} from './display-number.js';

export interface ScorecardDisplay {
  label: string;
  /** Unit written after the number ('' when the formatted number carries it, like "7.50×" or "0.33 %"). */
  unit: string;
  format(v: number): string;
  /** A difference between two values, signed, with its unit ("+780 ms", "−0.12 pp" for shares). */
  formatDelta(d: number): string;
  /** What the number means, for a non-specialist. */
  explain: string;
}

export const SCORECARD_DISPLAY: Readonly<Record<ScorecardKey, ScorecardDisplay>> = {
  baseline_p99_ms: {
    label: 'Baseline p99', unit: 'ms', format: formatMs, formatDelta: (d) => `${formatSigned(d, formatMs)} ms`,
    explain: '99th percentile query latency while the system is calm (baseline phase).',
  },
  overlap_p99_ms: {
    label: 'Overlap p99', unit: 'ms', format: formatMs, formatDelta: (d) => `${formatSigned(d, formatMs)} ms`,
    explain: '99th percentile query latency during the log surge plus query storm (overlap phase).',
  },
  p99_degradation_ratio: {
    label: 'p99 degradation', unit: '', format: formatRatio,
    formatDelta: (d) => `${formatSigned(d, (x) => formatSignificant(x, 2))}×`,
    explain: 'Overlap p99 ÷ baseline p99: how many times slower the slowest queries got.',
  },
  query_error_rate_overlap: {
    label: 'Query errors in overlap', unit: '', format: formatPercent,
    formatDelta: (d) => `${formatSigned(d * 100, (x) => formatSignificant(x))} pp`,
    explain: 'Share of queries in the overlap phase that failed, timed out or were dropped.',
  },
  peak_backlog: {
    label: 'Peak backlog', unit: 'events', format: formatCount, formatDelta: (d) => `${formatSigned(d, formatCount)} events`,
    explain: 'Largest number of events waiting in Kafka for the target to consume.',
  },
  backlog_drain_time_s: {
    label: 'Backlog drain time', unit: 's', format: formatSeconds, formatDelta: (d) => `${formatSigned(d, formatSeconds)} s`,
    explain: 'Time from the peak backlog until the target had caught up again.',
  },
  recovery_time_s: {
    label: 'Recovery time', unit: 's', format: formatSeconds, formatDelta: (d) => `${formatSigned(d, formatSeconds)} s`,
    explain: 'Time from the start of the recovery phase until query p99 is back within 1.2× of baseline.',
  },
  time_to_searchable_p99_ms: {
    label: 'Time to searchable p99', unit: 'ms', format: formatMs, formatDelta: (d) => `${formatSigned(d, formatMs)} ms`,
    explain: '99th percentile delay between an event being acknowledged by Kafka and being found by a query.',
  },
};
