// Writes timeseries.csv (SPEC §13): the run's per-second points as RFC 4180 CSV with the documented columns.
// Must not compute or smooth any value — it prints what run.json holds.

import { TIMESERIES_COLUMNS, type RunJson } from './run-json-types.js';

/**
 * The CSV text: a header row of TIMESERIES_COLUMNS, then one row per point in run.json order; `\n` line ends and a
 * trailing newline. Values are taken by column name (so a document with its columns in another order still
 * lines up); null, a missing value and a non-finite number are empty cells.
 */
export function timeseriesCsv(run: RunJson): string {
  const { columns, points } = run.timeseries;
  const index = TIMESERIES_COLUMNS.map((c) => columns.indexOf(c));
  const lines = [TIMESERIES_COLUMNS.map(csvCell).join(',')];
  for (const row of points) {
    const values: readonly unknown[] = row;
    lines.push(index.map((i) => csvCell(i < 0 ? null : values[i])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** One cell: numbers as csvNumber, text quoted when RFC 4180 requires it, anything else empty. */
function csvCell(value: unknown): string {
  if (typeof value === 'number') return csvNumber(value);
  if (typeof value === 'string') return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return '';
}

/**
 * A number in plain decimal notation (never an exponent) with at most 3 decimals, trailing zeros dropped
 * (2.50 → 2.5, 3.000 → 3), no "-0". Rounding is half away from zero on the number's shortest decimal form — the
 * digits JavaScript prints for it — so 1.0005 → 1.001 and 0.1 + 0.2 → 0.3, with no binary surprises.
 * Non-finite values have no value: ''.
 */
export function csvNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)));
  if (m === null) throw new RangeError(`cannot print ${String(x)}`); // unreachable: String() of a finite number
  const digits = m[1]! + (m[2] ?? '');
  const point = m[1]!.length + Number(m[3] ?? 0); // digits before the decimal point
  let whole = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0');
  const frac = point >= 0 ? digits.slice(point) : '0'.repeat(-point) + digits;
  let kept = frac.slice(0, 3).padEnd(3, '0');
  if (frac.length > 3 && frac[3]! >= '5') {
    const up = incrementDecimal(whole + kept);
    whole = up.slice(0, up.length - 3);
    kept = up.slice(-3);
  }
  whole = whole.replace(/^0+(?=\d)/, '');
  kept = kept.replace(/0+$/, '');
  const text = kept === '' ? whole : `${whole}.${kept}`;
  return x < 0 && text !== '0' ? `-${text}` : text;
}

/** Adds 1 to a string of decimal digits: "0999" → "1000", "999" → "1000". */
function incrementDecimal(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== '9') {
      out[i] = String(Number(out[i]) + 1);
      return out.join('');
    }
    out[i] = '0';
  }
  return `1${out.join('')}`;
}
