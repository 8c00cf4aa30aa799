// Parses command-line flag values into numbers and lists with one-line errors naming the flag.
// Must not know what any flag means.

import { UsageError } from '../core/errors.js';

export function wholeNumber(flag: string, min: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new UsageError(`${flag}: expected a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
}

export function positiveNumber(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new UsageError(`${flag}: expected a number > 0, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--t0`: unix milliseconds or an ISO-8601 time; must land on a whole second (SPEC §5.1). */
export function parseT0(raw: string): number {
  const ms = /^\d+$/.test(raw.trim()) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) {
    throw new UsageError(`--t0: expected unix milliseconds or an ISO-8601 time, got ${JSON.stringify(raw)}`);
  }
  if (ms % 1000 !== 0) throw new UsageError(`--t0: must be a whole second (a multiple of 1000 ms), got ${ms}`);
  return ms;
}
