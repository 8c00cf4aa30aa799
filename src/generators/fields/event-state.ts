// The per-event working state the compiled field generators share: the event's hash key, profile and
// scheduled time, the JSON bytes written so far and where each field's value is. Must not outlive one event.

import { drawFrom, slotMix } from '../hash.js';
import type { Scalar } from '../../scenario/check-fields.js';
import { JsonBytes } from './json-bytes.js';

export const BASELINE = 0;
export const INCIDENT = 1;
export type ProfileIndex = typeof BASELINE | typeof INCIDENT;

/** Marks a value that exists only as bytes so far; `valueOf` decodes it on first use. */
export const UNDECODED: unique symbol = Symbol('undecoded');
export type RawValue = Scalar | typeof UNDECODED;

const QUOTE = 34;

export class EventState {
  /** eventKey(seed, g) of the event being generated. */
  key = 0;
  profile: ProfileIndex = BASELINE;
  /** Scheduled unix ms of the event. */
  ms = 0;
  readonly out: JsonBytes;
  /** Values of the fields produced so far, by field index. */
  readonly raw: RawValue[];
  /** Byte range of each produced field's JSON value in `out`. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** For fields that are a top-level enum/weighted_enum: the index of the value picked (lookups by index). */
  readonly picked: Int32Array;

  constructor(fields: number, capacity: number) {
    this.out = new JsonBytes(capacity);
    this.raw = new Array<RawValue>(fields).fill(null);
    this.start = new Int32Array(fields);
    this.end = new Int32Array(fields);
    this.picked = new Int32Array(fields);
  }

  /** The value of field j (already produced in this event). */
  valueOf(j: number): Scalar {
    const v = this.raw[j]!;
    if (v !== UNDECODED) return v;
    const decoded = JSON.parse(this.out.decode(this.start[j]!, this.end[j]!)) as Scalar;
    this.raw[j] = decoded;
    return decoded;
  }

  /** Writes field j's value as text inside a JSON string (its string content, or its JSON text otherwise). */
  writeFieldText(j: number): void {
    const s = this.start[j]!;
    const e = this.end[j]!;
    if (this.out.u8[s] === QUOTE) this.out.copy(s + 1, e - 1);
    else this.out.copy(s, e);
  }
}

/** Hands out the draw numbers k of one field, in compile order, so every draw is hash(seed, g, field, k). */
export class DrawSlots {
  private next = 0;

  constructor(readonly field: number) {}

  /** A fresh k, returned as the pre-mixed (field, k) word for `draw`. */
  take(): number {
    return slotMix(this.field, this.next++);
  }
}

/** A uint32 draw of the current event for a pre-mixed (field, k) slot. */
export function draw(st: EventState, slot: number): number {
  return drawFrom(st.key, slot);
}
