// The shapes compiled generators take: a field emitter writing its key prefix and JSON value, sources of
// numbers and texts, and the two common emitters built on them. Must not hold generator logic.

import type { Scalar } from '../../scenario/check-fields.js';
import type { EventState } from './event-state.js';
import { UNDECODED } from './event-state.js';
import { byteLiteral, MAX_NUMBER_BYTES, type ByteLiteral } from './json-bytes.js';

/** Writes a field's key prefix and JSON value into st.out, and sets st.raw[index]. */
export interface FieldEmitter {
  emit(st: EventState): void;
}

/** Writes a value's text, escaped as JSON string content, into st.out. */
export interface TextSource {
  writeText(st: EventState): void;
}

/** A number for the current event (pure in the state: asking twice gives the same number). */
export interface NumberSource {
  value(st: EventState): number;
}

export interface Compiled {
  /** `prefix` is the text before the value (`{"name":` or `,"name":`); emitters merge it with their bytes. */
  emitter(index: number, prefix: string): FieldEmitter;
  /** Present for generators usable as placeholders (sub-generators, auxiliary values). */
  text?: TextSource;
  /** The most bytes the JSON value can take (its placeholder text takes no more). */
  maxBytes: number;
  /** For enum/weighted_enum: the values, by the index the emitter records in st.picked. */
  choiceValues?: readonly Scalar[];
}

const QUOTE = 34;

/** A string field: prefix and opening quote in one copy, the text, the closing quote; decoded only if asked. */
class StringEmitter implements FieldEmitter {
  private readonly open: ByteLiteral;
  constructor(private readonly source: TextSource, private readonly index: number, prefix: string) {
    this.open = byteLiteral(prefix + '"');
  }

  emit(st: EventState): void {
    const out = st.out;
    out.lit(this.open);
    this.source.writeText(st);
    out.byte(QUOTE);
    st.raw[this.index] = UNDECODED;
  }
}

export function stringCompiled(source: TextSource, maxTextBytes: number): Compiled {
  return { emitter: (index, prefix) => new StringEmitter(source, index, prefix), text: source, maxBytes: maxTextBytes + 2 };
}

class NumberEmitter implements FieldEmitter {
  private readonly prefix: ByteLiteral;
  constructor(private readonly source: NumberSource, private readonly index: number, prefix: string) {
    this.prefix = byteLiteral(prefix);
  }

  emit(st: EventState): void {
    const v = this.source.value(st);
    st.raw[this.index] = v;
    st.out.lit(this.prefix);
    st.out.number(v);
  }
}

/** Placeholder text of a number source. */
export class NumberText implements TextSource {
  constructor(readonly numbers: NumberSource) {}
  writeText(st: EventState): void {
    st.out.number(this.numbers.value(st));
  }
}

export function numberCompiled(source: NumberSource): Compiled {
  return {
    emitter: (index, prefix) => new NumberEmitter(source, index, prefix),
    text: new NumberText(source),
    maxBytes: MAX_NUMBER_BYTES,
  };
}
