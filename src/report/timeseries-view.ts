// Read access to run.json's per-second timeseries for charts: columns by name, the run's origin, and the phase
// bands (plus the drain period). Must not compute metrics from the series.

import type { RunJson, TimeseriesColumn } from './run-json-types.js';
import type { PhaseBand } from './svg-line-chart.js';

export interface TimelineView {
  /** Unix second of every point, in file order. */
  seconds: number[];
  /** The values of one numeric column, aligned with `seconds`; all null when the column is absent. */
  column(name: Exclude<TimeseriesColumn, 'second' | 'phase'>): (number | null)[];
}

export function timelineView(run: RunJson): TimelineView {
  const points = run.timeseries.points;
  const columns: readonly string[] = run.timeseries.columns;
  const secondAt = columns.indexOf('second');
  return {
    seconds: points.map((p) => Number(p[secondAt < 0 ? 0 : secondAt])),
    column(name) {
      const i = columns.indexOf(name);
      return points.map((p) => {
        const v = i < 0 ? null : p[i];
        return typeof v === 'number' && Number.isFinite(v) ? v : null;
      });
    },
  };
}

/** t0: the first phase's first second, else the first point's second, else null. */
export function runOrigin(run: RunJson): number | null {
  const first = run.phases[0];
  if (first !== undefined) return first.start_second;
  const p = run.timeseries.points[0];
  return p === undefined ? null : p[0];
}

/**
 * One band per phase (display name; the overlap role highlighted), and a "drain" band for points after the last
 * phase. `shift` is subtracted from every second (charts over seconds since t0).
 */
export function phaseBands(run: RunJson, lastSecond: number | null, shift = 0): PhaseBand[] {
  const bands: PhaseBand[] = run.phases.map((p) => ({
    name: p.display_name || p.name, from: p.start_second - shift, to: p.start_second + p.duration_s - shift,
    highlight: p.role === 'overlap',
  }));
  const last = run.phases[run.phases.length - 1];
  if (last !== undefined && lastSecond !== null) {
    const end = last.start_second + last.duration_s;
    if (lastSecond >= end) bands.push({ name: 'drain', from: end - shift, to: lastSecond + 1 - shift });
  }
  return bands;
}
