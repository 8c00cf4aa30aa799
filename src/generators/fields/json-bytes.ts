// The byte sink events are written into: JSON text as UTF-8 in one buffer sized once from the field plan's
// static bound, decoded once per event (latin1 when every byte is ASCII). Must not allocate per write.

import type { Scalar } from '../../scenario/check-fields.js';

/**
 * Bytes precomputed at compile time as big-endian 32-bit words (the last one padded with zeros), the true
 * length, and whether they are all ASCII.
 */
export interface ByteLiteral {
  bytes: Uint8Array;
  words: Int32Array;
  length: number;
  ascii: boolean;
}

export function byteLiteral(text: string): ByteLiteral {
  const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const words = new Int32Array(padded.length / 4);
  const view = new DataView(padded.buffer);
  for (let i = 0; i < words.length; i++) words[i] = view.getInt32(i * 4);
  return { bytes, words, length: bytes.length, ascii: bytes.every((b) => b < 0x80) };
}

/** Bytes a whole-word write may put past `pos` (scratch that later writes overwrite); buffers keep this slack. */
export const WORD_SLACK = 8;

/** The escaped content of `s` as a JSON string, without the quotes (to write inside a string). */
export function jsonContentLiteral(s: string): ByteLiteral {
  return byteLiteral(JSON.stringify(s).slice(1, -1));
}

/** A field value's text inside a JSON string: a string's escaped content, other values' JSON text. */
export function textLiteral(v: Scalar): ByteLiteral {
  return typeof v === 'string' ? jsonContentLiteral(v) : byteLiteral(JSON.stringify(v));
}

/** The longest JSON text of a JS number ("-1.2345678901234567e-308" has 24 characters). */
export const MAX_NUMBER_BYTES = 24;

const DIGIT_0 = 48;
/** "00".."99" as big-endian 16-bit pairs, and "00".."ff" likewise: two characters per store. */
const DIGIT_PAIRS = Uint16Array.from({ length: 100 }, (_, i) => ((DIGIT_0 + Math.floor(i / 10)) << 8) | (DIGIT_0 + (i % 10)));
const HEX_CHARS = Buffer.from('0123456789abcdef', 'latin1');
const HEX_PAIRS = Uint16Array.from({ length: 256 }, (_, i) => (HEX_CHARS[i >>> 4]! << 8) | HEX_CHARS[i & 15]!);

/** The number of decimal digits of a safe integer ≥ 10. */
function digitCount(n: number): number {
  if (n < 1e4) return n < 100 ? 2 : n < 1e3 ? 3 : 4;
  if (n < 1e8) return n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : 8;
  let digits = 9;
  for (let x = 1e9; x <= n; x *= 10) digits++;
  return digits;
}

type Latin1Slicer = { latin1Slice?: (start: number, end: number) => string };
const HAS_LATIN1_SLICE = typeof (Buffer.prototype as unknown as Latin1Slicer).latin1Slice === 'function';

/**
 * Writers do not check capacity: the owner sizes the buffer to the plan's bound and checks `overflowed`
 * once per event. Multi-byte copies go through a DataView a whole 32-bit word at a time (inlined by the JIT,
 * about twice as fast as TypedArray#set at these lengths), possibly writing up to 3 bytes of scratch past
 * the new `pos`; nothing past `pos` is ever read as output.
 */
export class JsonBytes {
  readonly u8: Uint8Array;
  private readonly dv: DataView;
  private readonly view: Buffer;
  pos = 0;
  /** False once a non-ASCII byte was written since `reset`. */
  ascii = true;

  /** `capacity`: the most bytes an event takes; the slack for whole-word writes is added here. */
  constructor(capacity: number) {
    const ab = new ArrayBuffer(capacity + WORD_SLACK);
    this.u8 = new Uint8Array(ab);
    this.dv = new DataView(ab);
    this.view = Buffer.from(ab);
  }

  reset(): void {
    this.pos = 0;
    this.ascii = true;
  }

  get overflowed(): boolean {
    return this.pos > this.u8.length - WORD_SLACK;
  }

  byte(b: number): void {
    this.u8[this.pos++] = b;
  }

  lit(l: ByteLiteral): void {
    const words = l.words;
    const dv = this.dv;
    const p = this.pos;
    for (let i = 0; i < words.length; i++) dv.setInt32(p + i * 4, words[i]!);
    this.pos = p + l.length;
    if (!l.ascii) this.ascii = false;
  }

  /** Copies bytes written earlier in this event ([start, end) lies before `pos`). */
  copy(start: number, end: number): void {
    const p = this.pos;
    const n = end - start;
    if (p < end + 4) {
      // The word reads past `end` could see bytes this copy writes: go byte by byte.
      const u8 = this.u8;
      for (let i = 0; i < n; i++) u8[p + i] = u8[start + i]!;
    } else {
      const dv = this.dv;
      for (let i = 0; i < n; i += 4) dv.setInt32(p + i, dv.getInt32(start + i));
    }
    this.pos = p + n;
  }

  /** Decimal digits of a non-negative safe integer, two at a time from the end. */
  uint(n: number): void {
    const u8 = this.u8;
    if (n < 10) {
      u8[this.pos++] = DIGIT_0 + n;
      return;
    }
    const digits = digitCount(n);
    const dv = this.dv;
    let p = this.pos + digits;
    this.pos = p;
    let x = n;
    while (x >= 100) {
      // x / 100 by a multiplication (several times cheaper than a division), corrected to the exact quotient
      let q = Math.floor(x * 0.01);
      let r = x - q * 100;
      if (r < 0) {
        q -= 1;
        r += 100;
      } else if (r >= 100) {
        q += 1;
        r -= 100;
      }
      p -= 2;
      dv.setUint16(p, DIGIT_PAIRS[r]!);
      x = q;
    }
    if (x >= 10) dv.setUint16(p - 2, DIGIT_PAIRS[x]!);
    else u8[p - 1] = DIGIT_0 + x;
  }

  /** Four bytes given as a big-endian 32-bit word. */
  word(w: number): void {
    this.dv.setInt32(this.pos, w);
    this.pos += 4;
  }

  /** The first `digits` (1–8) lowercase hex digits of a uint32. */
  hex(x: number, digits: number): void {
    const dv = this.dv;
    const p = this.pos;
    if (digits === 8) {
      dv.setUint16(p, HEX_PAIRS[x >>> 24]!);
      dv.setUint16(p + 2, HEX_PAIRS[(x >>> 16) & 255]!);
      dv.setUint16(p + 4, HEX_PAIRS[(x >>> 8) & 255]!);
      dv.setUint16(p + 6, HEX_PAIRS[x & 255]!);
      this.pos = p + 8;
      return;
    }
    const u8 = this.u8;
    for (let i = 0, shift = 28; i < digits; i++, shift -= 4) u8[p + i] = HEX_CHARS[(x >>> shift) & 15]!;
    this.pos = p + digits;
  }

  /** A JSON number (the caller guarantees it is finite): integers digit by digit, others via their text. */
  number(v: number): void {
    if (Number.isSafeInteger(v)) {
      if (v < 0) {
        this.u8[this.pos++] = 45; // -
        this.uint(-v);
      } else this.uint(v);
      return;
    }
    const s = '' + v; // ASCII: digits, ".", "e", "+", "-"
    const u8 = this.u8;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) u8[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** The bytes written so far (a view, valid until the next reset). */
  bytes(): Buffer {
    return this.view.subarray(0, this.pos);
  }

  /** The text of [start, end) (default: everything written): one flat string. */
  decode(start = 0, end = this.pos): string {
    if (this.ascii && HAS_LATIN1_SLICE) return (this.view as unknown as Required<Latin1Slicer>).latin1Slice(start, end);
    return this.view.toString(this.ascii ? 'latin1' : 'utf8', start, end);
  }
}
