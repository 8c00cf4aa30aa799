// Consumer lag and consumed EPS over time from the coordinator's lag readings (SPEC §10.2): per stream, summed over
// streams per reading second, and the consumed rate as Δ committed / Δt between consecutive readings. Must not decide
// what a phase's metric is (derived-metrics does).

import type { LagRecord } from './records.js';

export interface LagPoint {
  second: number;
  /** Σ streams; a stream without a reading in this second carries its previous reading. */
  lag: number;
  /** Σ streams of Δ committed / Δt since each stream's previous reading; null when no stream has a step here. */
  consumedEps: number | null;
}

export interface StreamLag {
  /** Readings in time order. */
  readings: LagRecord[];
  peak: number | null;
  /** Σ Δ committed over the readings (events the target consumed after the first reading); null without offsets. */
  consumed: number | null;
}

/** One consumption step of one stream: from its previous reading to this one. */
interface Step {
  stream: string;
  second: number;
  events: number;
  dtS: number;
}

export interface LagSeries {
  points: LagPoint[];
  /** Keyed by stream name ('' when the records name no stream). */
  streams: Map<string, StreamLag>;
  /**
   * Time-weighted consumed EPS of the steps whose reading falls in [fromS, toS): Σ streams (Σ events / Σ Δt);
   * null when no stream has a step there.
   */
  consumedEps(fromS: number, toS: number): number | null;
}

export const SINGLE_STREAM = '';

export function lagSeries(records: readonly LagRecord[]): LagSeries {
  const byStream = new Map<string, LagRecord[]>();
  for (const r of records) {
    const k = r.stream ?? SINGLE_STREAM;
    const list = byStream.get(k);
    if (list) list.push(r);
    else byStream.set(k, [r]);
  }
  const streams = new Map<string, StreamLag>();
  const steps: Step[] = [];
  const lagBySecond = new Map<string, Map<number, number>>();
  const seconds = new Set<number>();
  for (const [stream, list] of byStream) {
    const sorted = [...list].sort((a, b) => timeOf(a) - timeOf(b));
    const bySecond = new Map<number, number>();
    let consumed: number | null = null;
    sorted.forEach((r, i) => {
      bySecond.set(r.second, r.lag);
      seconds.add(r.second);
      const prev = sorted[i - 1];
      if (prev?.committed !== undefined && r.committed !== undefined) {
        const events = Math.max(0, r.committed - prev.committed);
        consumed = (consumed ?? 0) + events;
        const dtS = (timeOf(r) - timeOf(prev)) / 1000;
        if (dtS > 0) steps.push({ stream, second: r.second, events, dtS });
      }
    });
    lagBySecond.set(stream, bySecond);
    streams.set(stream, { readings: sorted, peak: sorted.length > 0 ? Math.max(...sorted.map((r) => r.lag)) : null, consumed });
  }
  const rateBySecond = new Map<number, number>();
  for (const s of steps) rateBySecond.set(s.second, (rateBySecond.get(s.second) ?? 0) + s.events / s.dtS);
  const points: LagPoint[] = [];
  const carry = new Map<string, number>();
  for (const second of [...seconds].sort((a, b) => a - b)) {
    for (const [k, m] of lagBySecond) {
      const v = m.get(second);
      if (v !== undefined) carry.set(k, v);
    }
    let lag = 0;
    for (const v of carry.values()) lag += v;
    points.push({ second, lag, consumedEps: rateBySecond.get(second) ?? null });
  }
  return {
    points,
    streams,
    consumedEps(fromS, toS) {
      const per = new Map<string, { events: number; dtS: number }>();
      for (const s of steps) {
        if (s.second < fromS || s.second >= toS) continue;
        const x = per.get(s.stream) ?? { events: 0, dtS: 0 };
        x.events += s.events;
        x.dtS += s.dtS;
        per.set(s.stream, x);
      }
      if (per.size === 0) return null;
      let eps = 0;
      for (const x of per.values()) eps += x.events / x.dtS;
      return eps;
    },
  };
}

function timeOf(r: LagRecord): number {
  return r.at ?? r.second * 1000;
}
