// Text generators: `hex`, `ip`, and the placeholder texts of `pattern` and `template` (SPEC §5.2), written as
// JSON string bytes. Must not resolve placeholder names (check-fields did): parts arrive resolved.

import type { GeneratedPlaceholder, Scalar, TextTemplate } from '../../scenario/check-fields.js';
import { Choice } from './choice.js';
import { NumberText, stringCompiled, type Compiled, type FieldEmitter, type TextSource } from './compiled.js';
import { RangeSource } from './numeric.js';
import { draw, UNDECODED, type DrawSlots, type EventState } from './event-state.js';
import { byteLiteral, jsonContentLiteral, textLiteral, type ByteLiteral } from './json-bytes.js';

const QUOTE = 34;
const DOT = 46;

export class HexText implements TextSource {
  private readonly ks: number[];
  private readonly lastDigits: number;

  constructor(length: number, slots: DrawSlots) {
    const words = Math.ceil(length / 8);
    this.ks = Array.from({ length: words }, () => slots.take());
    this.lastDigits = length - (words - 1) * 8;
  }

  writeText(st: EventState): void {
    const out = st.out;
    const ks = this.ks;
    const last = ks.length - 1;
    for (let w = 0; w < last; w++) out.hex(draw(st, ks[w]!), 8);
    out.hex(draw(st, ks[last]!), this.lastDigits);
  }
}

export function compileHex(length: number, slots: DrawSlots): Compiled {
  return stringCompiled(new HexText(length, slots), length);
}

export class IpText implements TextSource {
  private readonly km: number;
  private readonly hostSize: number;

  constructor(private readonly network: number, private readonly prefix: number, slots: DrawSlots) {
    this.km = slots.take();
    this.hostSize = 2 ** (32 - prefix);
  }

  writeText(st: EventState): void {
    const d = draw(st, this.km);
    const x = this.prefix === 0 ? d : this.network + (d % this.hostSize);
    const out = st.out;
    out.uint(x >>> 24);
    out.byte(DOT);
    out.uint((x >>> 16) & 255);
    out.byte(DOT);
    out.uint((x >>> 8) & 255);
    out.byte(DOT);
    out.uint(x & 255);
  }
}

export function compileIp(network: number, prefix: number, slots: DrawSlots): Compiled {
  return stringCompiled(new IpText(network, prefix, slots), 15);
}

/** A placeholder value generated for the field, with the most bytes it writes. */
export interface BoundedText {
  source: TextSource;
  maxBytes: number;
}

/** The placeholder sources of one field: its generated values, compiled once each (one value per name per event). */
export function compileGenerated(list: readonly GeneratedPlaceholder[], compile: (p: GeneratedPlaceholder) => Compiled): BoundedText[] {
  return list.map((p) => {
    const c = compile(p);
    if (!c.text) throw new RangeError(`placeholder ${p.name} has a generator that cannot fill text`);
    return { source: c.text, maxBytes: c.maxBytes };
  });
}

/**
 * What placeholders of a text can use: earlier fields (with their byte bounds, and the text of each value of
 * enum/weighted_enum fields by picked index), and the field's generated values.
 */
export interface TextSources {
  fieldMaxBytes: readonly number[];
  fieldChoices: readonly (readonly Scalar[] | undefined)[];
  generated: readonly BoundedText[];
}

const LITERAL = 0;
const FIELD = 1;
const FIELD_CHOICE = 2;
const RANGE = 3;
const CHOICE = 4;
const GENERATED = 5;

/**
 * One step of a text: literal bytes, an earlier field's text (copied, or by picked index for enum fields),
 * or a generated value (ranges and choices called directly).
 */
interface TextOp {
  kind: number;
  lit: ByteLiteral | null;
  field: number;
  texts: ByteLiteral[] | null;
  range: RangeSource | null;
  choice: Choice | null;
  source: TextSource | null;
}

const NO_OP: TextOp = { kind: LITERAL, lit: null, field: -1, texts: null, range: null, choice: null, source: null };

function generatedOp(source: TextSource): TextOp {
  const op: TextOp = { ...NO_OP, kind: GENERATED, source };
  if (source instanceof Choice) return { ...op, kind: CHOICE, choice: source };
  if (source instanceof NumberText && source.numbers instanceof RangeSource) return { ...op, kind: RANGE, range: source.numbers };
  return op;
}

/** A text with its placeholders filled: literals as escaped bytes, fields copied from their bytes. */
export class TextProgram implements TextSource {
  private readonly ops: TextOp[];
  readonly maxBytes: number;

  constructor(t: TextTemplate, sources: TextSources) {
    let max = 0;
    this.ops = t.parts.map((part): TextOp => {
      if (typeof part === 'string') {
        const lit = jsonContentLiteral(part);
        max += lit.bytes.length;
        return { ...NO_OP, kind: LITERAL, lit };
      }
      if ('field' in part) {
        max += sources.fieldMaxBytes[part.field]!;
        const choices = sources.fieldChoices[part.field];
        return choices
          ? { ...NO_OP, kind: FIELD_CHOICE, field: part.field, texts: choices.map(textLiteral) }
          : { ...NO_OP, kind: FIELD, field: part.field };
      }
      const g = sources.generated[part.generated]!;
      max += g.maxBytes;
      return generatedOp(g.source);
    });
    this.maxBytes = max;
  }

  writeText(st: EventState): void {
    const ops = this.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      switch (op.kind) {
        case LITERAL: st.out.lit(op.lit!); break;
        case FIELD: st.writeFieldText(op.field); break;
        case FIELD_CHOICE: st.out.lit(op.texts![st.picked[op.field]!]!); break;
        case RANGE: st.out.number(op.range!.value(st)); break;
        case CHOICE: op.choice!.writeText(st); break;
        default: op.source!.writeText(st);
      }
    }
  }
}

export function compilePattern(text: TextTemplate, sources: TextSources): Compiled {
  const program = new TextProgram(text, sources);
  return stringCompiled(program, program.maxBytes);
}

/** The texts of a template field: the list chosen by the key field's value (its text), else `default`. */
class TemplateTexts {
  private readonly byKey = new Map<string, TextProgram[]>();
  private readonly fallback: TextProgram[] | null;
  readonly maxBytes: number;
  private readonly km: number;

  /** When the key field is an enum/weighted_enum: the list by picked index (see st.picked). */
  private readonly byIndex: (TextProgram[] | null)[] | null;

  constructor(private readonly keyField: number, lists: ReadonlyMap<string, readonly TextTemplate[]>,
    fallback: readonly TextTemplate[] | null, sources: TextSources, slots: DrawSlots, keyChoices: readonly Scalar[] | undefined) {
    this.km = slots.take();
    let max = 0;
    const compileList = (list: readonly TextTemplate[]): TextProgram[] => list.map((t) => {
      const p = new TextProgram(t, sources);
      max = Math.max(max, p.maxBytes);
      return p;
    });
    for (const [key, list] of lists) this.byKey.set(key, compileList(list));
    this.fallback = fallback ? compileList(fallback) : null;
    this.maxBytes = max;
    this.byIndex = keyChoices ? keyChoices.map((v) => this.listFor(v)) : null;
  }

  private listFor(key: Scalar): TextProgram[] | null {
    return (key === null ? undefined : this.byKey.get(typeof key === 'string' ? key : String(key))) ?? this.fallback;
  }

  /** The text to write for the current event, or null when the key has no list and there is no default. */
  pick(st: EventState): TextProgram | null {
    const byIndex = this.byIndex;
    const list = byIndex !== null ? byIndex[st.picked[this.keyField]!]! : this.listFor(st.valueOf(this.keyField));
    if (list === null) return null;
    return list[Math.floor(draw(st, this.km) * list.length * (1 / 4294967296))]!;
  }
}

class TemplateEmitter implements FieldEmitter {
  private readonly open: ByteLiteral;
  private readonly nullValue: ByteLiteral;
  constructor(private readonly texts: TemplateTexts, private readonly index: number, prefix: string) {
    this.open = byteLiteral(prefix + '"');
    this.nullValue = byteLiteral(prefix + 'null');
  }

  emit(st: EventState): void {
    const text = this.texts.pick(st);
    const out = st.out;
    if (text === null) {
      out.lit(this.nullValue);
      st.raw[this.index] = null;
      return;
    }
    out.lit(this.open);
    text.writeText(st);
    out.byte(QUOTE);
    st.raw[this.index] = UNDECODED;
  }
}

/** With no list for the key's value and no `default` list, the value is null. */
export function compileTemplate(keyField: number, lists: ReadonlyMap<string, readonly TextTemplate[]>,
  fallback: readonly TextTemplate[] | null, sources: TextSources, slots: DrawSlots, keyChoices: readonly Scalar[] | undefined): Compiled {
  const texts = new TemplateTexts(keyField, lists, fallback, sources, slots, keyChoices);
  return { emitter: (index, prefix) => new TemplateEmitter(texts, index, prefix), maxBytes: Math.max(texts.maxBytes + 2, 4) };
}
