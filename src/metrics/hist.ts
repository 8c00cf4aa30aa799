// The project's latency histogram (SPEC §10.1): an HDR histogram in µs, 3 significant digits, 1 µs – 1 h,
// out-of-range values clamped and counted, exact merge and a compact text codec. Must not keep global state.

import * as hdr from 'hdr-histogram-js';
import { RunError } from '../core/errors.js';

/** Lowest trackable value, µs. Smaller values (including 0) are recorded as this, and are not "clamped". */
export const HIST_MIN_US = 1;
/** Highest trackable value, µs (1 h). Larger values are recorded as this and counted in `clampedHigh`. */
export const HIST_MAX_US = 3_600_000_000;
/** Significant decimal digits kept by every Hist. */
export const HIST_SIGNIFICANT_DIGITS = 3;
/** Counts-array word size: SPEC §10.1 "default 32-bit JS buckets" (`'packed'` is ~20× slower to encode). */
const BUCKET_BITS = 32;

/**
 * Clamped counts travel in front of the hdr payload as `c=<high>,<low>;` — only when one is non-zero, so the
 * usual encoded form is plain hdr compressed base64 (starts with `HISTF`) that any hdr tool reads.
 */
const CLAMP_PREFIX = /^c=(\d{1,15}),(\d{1,15});/;
/** The hdr V2 compressed cookie 0x1c849314 in base64. */
const HDR_MAGIC = 'HISTF';

function newHdr(): hdr.JsHistogram {
  const h = hdr.build({
    bitBucketSize: BUCKET_BITS,
    autoResize: false,
    lowestDiscernibleValue: HIST_MIN_US,
    highestTrackableValue: HIST_MAX_US,
    numberOfSignificantValueDigits: HIST_SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
  return asJs(h);
}

function asJs(h: hdr.Histogram): hdr.JsHistogram {
  // We never build WASM histograms (docs: see Hist below), so this only guards against a library change.
  if (!(h instanceof hdr.JsHistogram)) throw new RunError('hdr-histogram-js returned a non-JS histogram');
  return h;
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/**
 * A latency histogram with the project's fixed settings.
 *
 * - Values are integer µs: `record` rounds to the nearest µs; values below 1 µs (0, 0.3) record as 1 µs.
 * - Above 1 h (incl. +Infinity) → recorded as 1 h and counted in `clampedHigh`, never dropped.
 * - NaN or negative → recorded as 1 µs and counted in `clampedLow` (a broken clock or a bug; visible, not lost).
 * - `count` includes clamped records; `clampedCount` = `clampedHigh + clampedLow`.
 * - `min`/`max`/percentiles are at bucket resolution (hdr's lowest/highest equivalent value, ≤ 0.1 % above the
 *   true value; a clamped 1 h reads as 3 600 809 983 µs), so they are identical before and after encode/decode
 *   and merge. Empty → `null` (SPEC §11: what cannot be computed is null, never 0).
 * - Default JS implementation (32-bit counts, max 4 294 967 295 per bucket), not WASM: WASM records ~3× faster
 *   but needs `destroy()` on every instance or leaks, async init per worker thread, and its decode/add are no
 *   faster. `destroy()` is still provided so callers can treat Hist as a resource uniformly (it is a no-op).
 */
export class Hist {
  private h: hdr.JsHistogram;
  private high = 0;
  private low = 0;

  constructor() {
    this.h = newHdr();
  }

  /** Record one value in µs. */
  record(us: number): void {
    this.recordN(us, 1);
  }

  /** Record one value in ms (stored in µs). */
  recordMs(ms: number): void {
    this.recordN(ms * 1000, 1);
  }

  /** Record `count` occurrences of `us`. `count` must be a non-negative safe integer (0 is a no-op). */
  recordN(us: number, count: number): void {
    if (!isCount(count)) throw new RangeError(`Hist.recordN: count must be a non-negative integer, got ${count}`);
    if (count === 0) return;
    let v: number;
    if (Number.isNaN(us) || us < 0) {
      this.low += count;
      v = HIST_MIN_US;
    } else if (us > HIST_MAX_US) {
      this.high += count;
      v = HIST_MAX_US;
    } else {
      v = Math.round(us);
      if (v < HIST_MIN_US) v = HIST_MIN_US;
    }
    if (count === 1) this.h.recordValue(v);
    else this.h.recordValueWithCount(v, count);
  }

  get count(): number {
    return this.h.totalCount;
  }

  get isEmpty(): boolean {
    return this.h.totalCount === 0;
  }

  /** Records above 1 h (recorded as 1 h). */
  get clampedHigh(): number {
    return this.high;
  }

  /** NaN or negative records (recorded as 1 µs). */
  get clampedLow(): number {
    return this.low;
  }

  get clampedCount(): number {
    return this.high + this.low;
  }

  /** Smallest recorded value, µs (lowest value of its bucket); null when empty. */
  get min(): number | null {
    return this.isEmpty ? null : this.h.lowestEquivalentValue(this.h.minNonZeroValue);
  }

  /** Largest recorded value, µs (highest value of its bucket, as percentile 100); null when empty. */
  get max(): number | null {
    return this.isEmpty ? null : this.h.highestEquivalentValue(this.h.maxValue);
  }

  /** Mean, µs, from bucket midpoints (hdr `mean`); null when empty. */
  get mean(): number | null {
    return this.isEmpty ? null : this.h.mean;
  }

  /** hdr `getValueAtPercentile(p)`, p in [0, 100], µs; null when empty. */
  percentileUs(p: number): number | null {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`Hist.percentileUs: p must be in [0, 100], got ${p}`);
    return this.isEmpty ? null : this.h.getValueAtPercentile(p);
  }

  /** `percentileUs(p) / 1000`; null when empty. */
  percentileMs(p: number): number | null {
    const us = this.percentileUs(p);
    return us === null ? null : us / 1000;
  }

  /** Exact histogram addition: every bucket count, total, min/max and clamped counts. `other` is unchanged. */
  add(other: Hist): void {
    if (other.isEmpty) return;
    this.h.add(other.h);
    this.high += other.high;
    this.low += other.low;
  }

  /** Decode `text` and add it (the aggregator's hot path; the temporary is released at once). */
  addEncoded(text: string): void {
    if (text === emptyEncoded) return;
    this.add(Hist.decode(text));
  }

  /** Back to empty, keeping the allocated counts array. */
  reset(): void {
    this.h.reset();
    this.high = 0;
    this.low = 0;
  }

  /** A deep copy. */
  clone(): Hist {
    const c = new Hist();
    c.add(this);
    return c;
  }

  /** Releases the histogram; the JS implementation holds no native memory, so this only drops the reference. */
  destroy(): void {
    this.h.destroy();
  }

  /** Compressed base64 (hdr V2), with a `c=<high>,<low>;` prefix only when values were clamped. */
  encode(): string {
    if (this.isEmpty) return emptyEncoded;
    const body = hdr.encodeIntoCompressedBase64(this.h);
    return this.high > 0 || this.low > 0 ? `c=${this.high},${this.low};${body}` : body;
  }

  /**
   * Inverse of `encode`: same count in every bucket, same clamped counts. Throws RunError for text that is not
   * an encoded Hist (callers validate records first: `looksLikeEncodedHist`).
   */
  static decode(text: string): Hist {
    const out = new Hist();
    if (text === emptyEncoded) return out;
    let body = text;
    const m = CLAMP_PREFIX.exec(text);
    if (m) {
      out.high = Number(m[1]);
      out.low = Number(m[2]);
      body = text.slice(m[0].length);
    }
    if (!body.startsWith(HDR_MAGIC)) throw new RunError(`not an encoded histogram: ${preview(text)}`);
    let decoded: hdr.JsHistogram;
    try {
      decoded = asJs(hdr.decodeFromCompressedBase64(body, BUCKET_BITS, false));
    } catch (e) {
      throw new RunError(`corrupt encoded histogram ${preview(text)}: ${(e as Error).message}`, { cause: e });
    }
    if (
      decoded.lowestDiscernibleValue !== HIST_MIN_US ||
      decoded.highestTrackableValue !== HIST_MAX_US ||
      decoded.numberOfSignificantValueDigits !== HIST_SIGNIFICANT_DIGITS
    ) {
      throw new RunError(
        `encoded histogram has settings ${decoded.lowestDiscernibleValue}..${decoded.highestTrackableValue} µs, ` +
          `${decoded.numberOfSignificantValueDigits} digits; expected ${HIST_MIN_US}..${HIST_MAX_US} µs, ` +
          `${HIST_SIGNIFICANT_DIGITS} digits`,
      );
    }
    out.h = decoded;
    return out;
  }
}

function preview(text: string): string {
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);
}

/** Cheap shape check for an encoded Hist (prefix + hdr magic + base64 alphabet); does not inflate it. */
export function looksLikeEncodedHist(text: string): boolean {
  const m = CLAMP_PREFIX.exec(text);
  const body = m ? text.slice(m[0].length) : text;
  return body.startsWith(HDR_MAGIC) && body.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(body);
}

/** The encoded form of an empty Hist; encode/decode/addEncoded short-cut it without touching zlib. */
export const emptyEncoded: string = hdr.encodeIntoCompressedBase64(newHdr());
