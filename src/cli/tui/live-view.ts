// The --live TUI's view model and its reducer: live-topic messages (and skipped-message notes) in, the state the
// screen shows out. Pure: must not read a clock, the terminal or Kafka, and never mutates the view it is given.

import type { LiveMessage, LivePoint, RunState, RunSummary } from '../../stream-agg/live-types.js';

/** How many seconds the sparklines cover. */
export const SPARK_WINDOW_S = 60;

export interface PhaseSeen {
  name: string;
  /** elapsedS of the first point seen in this phase. */
  firstElapsedS: number;
}

export interface LiveView {
  run: string;
  /** The runId of the messages shown; a message with another runId (the run name reused) starts a fresh view. */
  runId: string | null;
  state: RunState | null;
  /** The point of the newest second seen. */
  latest: LivePoint | null;
  /** Points of the last SPARK_WINDOW_S seconds up to `latest`, one per second, ascending by second. */
  recent: LivePoint[];
  /** Phases seen so far, in timeline order. */
  phases: PhaseSeen[];
  /** Planned timeline length, s (from points, else from a RunState), or null while unknown. */
  durationS: number | null;
  summary: RunSummary | null;
  /** Records skipped as malformed so far. */
  skipped: number;
}

export function emptyLiveView(run: string): LiveView {
  return { run, runId: null, state: null, latest: null, recent: [], phases: [], durationS: null, summary: null, skipped: 0 };
}

/** The view after one message. */
export function reduceLive(view: LiveView, message: LiveMessage): LiveView {
  const base = view.runId !== null && message.runId !== view.runId
    ? { ...emptyLiveView(view.run), skipped: view.skipped }
    : view;
  const next: LiveView = { ...base, runId: message.runId };
  switch (message.kind) {
    case 'state':
      next.state = message;
      if (next.durationS === null && typeof message.durationS === 'number') next.durationS = message.durationS;
      return next;
    case 'point':
      return withPoint(next, message);
    case 'summary':
      next.summary = message;
      return next;
  }
}

/** The view once `total` records have been skipped as malformed. */
export function noteSkipped(view: LiveView, total: number): LiveView {
  return { ...view, skipped: Math.max(view.skipped, total) };
}

function withPoint(view: LiveView, p: LivePoint): LiveView {
  const latest = view.latest === null || p.second >= view.latest.second ? p : view.latest;
  const from = latest.second - SPARK_WINDOW_S + 1;
  const recent = [...view.recent.filter((r) => r.second !== p.second), p]
    .filter((r) => r.second >= from && r.second <= latest.second)
    .sort((a, b) => a.second - b.second);
  let phases = view.phases;
  const seen = phases.find((ph) => ph.name === p.phase);
  if (seen === undefined) {
    phases = [...phases, { name: p.phase, firstElapsedS: p.elapsedS }].sort((a, b) => a.firstElapsedS - b.firstElapsedS);
  } else if (p.elapsedS < seen.firstElapsedS) {
    phases = phases.map((ph) => (ph === seen ? { name: ph.name, firstElapsedS: p.elapsedS } : ph))
      .sort((a, b) => a.firstElapsedS - b.firstElapsedS);
  }
  return { ...view, latest, recent, phases, durationS: latest.durationS };
}

/** One value per second of the sparkline window ending at the latest second; null where no point arrived. */
export function recentSeries(view: LiveView, pick: (p: LivePoint) => number | null): (number | null)[] {
  if (view.latest === null) return [];
  const bySecond = new Map(view.recent.map((p) => [p.second, p]));
  const out: (number | null)[] = [];
  for (let s = view.latest.second - SPARK_WINDOW_S + 1; s <= view.latest.second; s += 1) {
    const p = bySecond.get(s);
    out.push(p === undefined ? null : pick(p));
  }
  return out;
}
