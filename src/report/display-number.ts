// Numbers as people read them in the HTML reports: thousands separators, sensible precision per unit,
// compact axis labels. Locale-independent by construction (never toLocaleString). Must not emit markup.

import { roundHalfUp } from '../core/numbers.js';

/** Shown for a metric without a value (null). */
export const NO_VALUE = '—';

/** Thousands separator: a narrow no-break space (SI style, unambiguous in every locale). */
export const THOUSANDS_SEPARATOR = '\u202f';

/** `x` with exactly `decimals` decimals (rounded half up on the decimal value), grouped in thousands. */
export function formatFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? NO_VALUE : x > 0 ? '∞' : '−∞';
  const negative = x < 0;
  const factor = 10 ** decimals;
  const scaled = roundHalfUp(Math.abs(x) * factor);
  const whole = Math.floor(scaled / factor);
  const fraction = scaled - whole * factor;
  const wholeText = groupThousands(String(whole));
  const text = decimals > 0 ? `${wholeText}.${String(fraction).padStart(decimals, '0')}` : wholeText;
  return negative && scaled !== 0 ? `−${text}` : text;
}

function groupThousands(digits: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += THOUSANDS_SEPARATOR;
    out += digits[i];
  }
  return out;
}

/** An integer count: 161 940 → "161 940" (rounded when fractional, e.g. a normalised count). */
export function formatCount(n: number | null): string {
  return n === null ? NO_VALUE : formatFixed(n, 0);
}

/**
 * A value with about three significant digits and at least `minDecimals`, at most 3 decimals:
 * 0.4123 → "0.412", 7.5 → "7.50", 42.25 → "42.3", 1234.5 → "1 235".
 */
export function formatSignificant(x: number | null, minDecimals = 0): string {
  if (x === null) return NO_VALUE;
  const a = Math.abs(x);
  const decimals = a === 0 ? minDecimals : a < 1 ? 3 : a < 10 ? 2 : a < 100 ? 1 : 0;
  return formatFixed(x, Math.max(minDecimals, decimals));
}

/** Milliseconds without unit: "0.412", "12.3", "900", "5 200". */
export function formatMs(ms: number | null): string {
  return formatSignificant(ms);
}

/** A rate (events/s, queries/s) without unit: "0.50", "12.5", "2 000". */
export function formatRate(x: number | null): string {
  return formatSignificant(x);
}

/** Seconds without unit: whole seconds as integers, otherwise up to 3 decimals ("30.004"). */
export function formatSeconds(s: number | null): string {
  if (s === null) return NO_VALUE;
  if (Number.isInteger(s)) return formatFixed(s, 0);
  return trimZeros(formatFixed(s, 3));
}

/** A share 0‥1 as a percentage with unit: 0.0033 → "0.33 %", 0.9996 → "99.96 %", 1 → "100 %". */
export function formatPercent(share: number | null): string {
  if (share === null) return NO_VALUE;
  const pct = share * 100;
  const a = Math.abs(pct);
  const decimals = a === 0 || a === 100 ? 0 : a < 1 ? 3 : 2;
  return `${trimZeros(formatFixed(pct, decimals))} %`;
}

/** A dimensionless ratio with a multiplication sign: 7.5 → "7.50×". */
export function formatRatio(x: number | null): string {
  return x === null ? NO_VALUE : `${formatSignificant(x, 2)}×`;
}

/** A plain number of unknown kind (derived metrics, rule values): integers grouped, others ~3 significant digits. */
export function formatPlain(x: number | null): string {
  if (x === null) return NO_VALUE;
  return Number.isInteger(x) ? formatFixed(x, 0) : formatSignificant(x);
}

/** A signed difference: "+12.3", "−4", "0". */
export function formatSigned(x: number | null, format: (v: number) => string): string {
  if (x === null) return NO_VALUE;
  if (x === 0) return format(0);
  return x > 0 ? `+${format(x)}` : `−${format(-x)}`;
}

/** Axis label for a tick value, given the distance between ticks: 1500 → "1.5k", 2e6 → "2M", 0.25 → "0.25". */
export function formatTick(v: number, step: number): string {
  const a = Math.abs(v);
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) {
    if (a >= size) return `${trimZeros(formatFixed(v / size, decimalsFor(step / size)))}${suffix}`;
  }
  return trimZeros(formatFixed(v, decimalsFor(step)));
}

/** Decimals needed to write every multiple of `step` exactly (0.25 → 2, 2.5 → 1, 500 → 0). */
function decimalsFor(step: number): number {
  if (!(step > 0) || Number.isInteger(step)) return 0;
  const text = String(Number(step.toPrecision(10)));
  if (text.includes('e')) return 6;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(6, text.length - dot - 1);
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Elapsed seconds as a clock: 75 → "1:15", 3725 → "1:02:05", −5 → "−0:05". */
export function formatElapsed(seconds: number): string {
  const sign = seconds < 0 ? '−' : '';
  const t = Math.round(Math.abs(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}` : `${sign}${m}:${ss}`;
}

/** An ISO-8601 instant as "2026-11-27 10:00:00 UTC"; the text itself when it is not a valid instant. */
export function formatInstant(iso: string | null): string {
  if (iso === null) return NO_VALUE;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
