// Axis arithmetic shared by the SVG charts: "nice" linear ticks, decade ticks for log scales, elapsed-time
// ticks, and value → pixel mappings. Pure numbers; must not emit markup or format labels.

/** A value axis: its domain, tick values, and a mapping from value to a pixel offset (0 = bottom). */
export interface ValueAxis {
  min: number;
  max: number;
  ticks: number[];
  /** Distance between linear ticks (for label precision); 0 on a log axis. */
  step: number;
  log: boolean;
  /** Fraction of the axis length, 0 at `min`, 1 at `max`; null for values a log axis cannot show (≤ 0). */
  fraction(v: number): number | null;
}

const NICE = [1, 2, 2.5, 5, 10];

/** The smallest "nice" step (1, 2, 2.5, 5 × 10^k) giving at most `maxTicks` intervals over `span`. */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, maxTicks);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const n of NICE) {
    const step = n * magnitude;
    if (step >= raw * (1 - 1e-9)) return step;
  }
  return 10 * magnitude;
}

/** A linear axis from min(0, data) to a nice maximum above the data. */
export function linearAxis(dataMin: number, dataMax: number, maxTicks = 5): ValueAxis {
  let lo = Math.min(0, dataMin);
  let hi = Math.max(0, dataMax);
  if (hi === lo) hi = lo + 1;
  const step = niceStep(hi - lo, maxTicks);
  lo = Math.floor(lo / step + 1e-9) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(cleanFloat(lo + i * step));
  const span = hi - lo;
  return { min: lo, max: hi, ticks, step, log: false, fraction: (v) => (v - lo) / span };
}

/** A base-10 log axis over whole decades enclosing the positive data; ticks at 1, 2, 5 × 10^k when few decades. */
export function logAxis(dataMinPositive: number, dataMax: number): ValueAxis {
  const lo = Math.floor(Math.log10(dataMinPositive) + 1e-9);
  let hi = Math.ceil(Math.log10(Math.max(dataMax, dataMinPositive)) - 1e-9);
  if (hi <= lo) hi = lo + 1;
  const decades = hi - lo;
  const multipliers = decades <= 2 ? [1, 2, 5] : decades <= 4 ? [1, 3] : [1];
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k++) {
    for (const m of multipliers) {
      if (k === hi && m > 1) break;
      ticks.push(cleanFloat(m * 10 ** k));
    }
  }
  return {
    min: 10 ** lo, max: 10 ** hi, ticks, step: 0, log: true,
    fraction: (v) => (v > 0 ? (Math.log10(v) - lo) / decades : null),
  };
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Elapsed-time ticks (seconds since `origin`) over [from, to], at a clock-friendly step, about `maxTicks`. */
export function timeTicks(from: number, to: number, origin: number, maxTicks = 10): number[] {
  const span = Math.max(1, to - from);
  const step = TIME_STEPS.find((s) => span / s <= maxTicks) ?? niceStep(span, maxTicks);
  const first = Math.ceil((from - origin) / step) * step + origin;
  const ticks: number[] = [];
  for (let t = first; t <= to + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** Smallest and largest value, by a loop (spreading a long series into Math.min would overflow the call stack). */
export function extent(values: readonly number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Removes binary noise such as 0.30000000000000004 from tick values. */
function cleanFloat(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}
