// Character graphics of the --live TUI: sparklines (▁▂▃▄▅▆▇█) of a per-second series and horizontal gauges.
// Must not know what the values mean, nor emit escape codes.

export const SPARK_LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
export const GAUGE_FULL = '█';
export const GAUGE_EMPTY = '░';

/**
 * One character per value, scaled from 0 to the largest value shown (so equal heights mean equal values and the
 * floor is zero, not the window's minimum); null (no reading that second) is a space. Only the last `width`
 * values are drawn. Zero (and negative) values are '▁', any positive value at least '▂', the largest '█'.
 */
export function sparkline(values: readonly (number | null)[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(Math.max(0, values.length - width));
  const max = Math.max(0, ...shown.map((v) => (v !== null && Number.isFinite(v) ? v : 0)));
  const top = SPARK_LEVELS.length - 1;
  return shown.map((v) => {
    if (v === null || !Number.isFinite(v)) return ' ';
    if (max <= 0 || v <= 0) return SPARK_LEVELS[0];
    return SPARK_LEVELS[Math.min(top, 1 + Math.round((v / max) * (top - 1)))];
  }).join('');
}

/** A bar `width` characters wide filled to `fraction` (clamped to 0..1, rounded to whole cells). */
export function gauge(fraction: number, width: number): string {
  if (width <= 0) return '';
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return GAUGE_FULL.repeat(filled) + GAUGE_EMPTY.repeat(width - filled);
}
