// The `enum` (uniform pick) and `weighted_enum` (weighted pick per profile) generators: one draw picks an
// index; the value and its JSON bytes come from tables built once. Must not normalise weights (check-fields did).

import type { Scalar, WeightedTable } from '../../scenario/check-fields.js';
import type { Compiled, FieldEmitter, TextSource } from './compiled.js';
import { draw, type DrawSlots, type EventState } from './event-state.js';
import { byteLiteral, textLiteral, type ByteLiteral } from './json-bytes.js';

const TWO_32 = 4294967296;
const INV_2_32 = 1 / TWO_32;

/**
 * Cumulative thresholds on the uint32 scale: index i is drawn when t[i − 1] ≤ x < t[i]. The last threshold
 * is 2^32, so every draw lands; weight-0 entries have an empty interval.
 */
export function thresholds(weights: readonly number[]): number[] {
  let cum = 0;
  const out = weights.map((w) => {
    cum += w;
    return Math.round(cum * TWO_32);
  });
  out[out.length - 1] = TWO_32;
  return out;
}

export function pickBelow(t: readonly number[], x: number): number {
  if (t.length <= 16) {
    let i = 0;
    while (x >= t[i]!) i++;
    return i;
  }
  let lo = 0;
  let hi = t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < t[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Picks an index into `values`: uniformly, or by the current profile's thresholds. */
export class Choice implements TextSource {
  private readonly text: ByteLiteral[];

  constructor(
    readonly values: readonly Scalar[],
    /** Per profile (baseline, incident): thresholds and the value index of each entry; null: uniform. */
    private readonly tables: readonly { t: number[]; to: number[] }[] | null,
    private readonly km: number,
  ) {
    this.text = values.map(textLiteral);
  }

  pick(st: EventState): number {
    const x = draw(st, this.km);
    const tables = this.tables;
    if (tables === null) return Math.floor(x * this.values.length * INV_2_32);
    const tab = tables[st.profile]!;
    return tab.to[pickBelow(tab.t, x)]!;
  }

  writeText(st: EventState): void {
    st.out.lit(this.text[this.pick(st)]!);
  }
}

class ChoiceEmitter implements FieldEmitter {
  private readonly withPrefix: ByteLiteral[];
  constructor(private readonly choice: Choice, private readonly index: number, prefix: string) {
    this.withPrefix = choice.values.map((v) => byteLiteral(prefix + JSON.stringify(v)));
  }

  emit(st: EventState): void {
    const i = this.choice.pick(st);
    st.picked[this.index] = i;
    st.raw[this.index] = this.choice.values[i]!;
    st.out.lit(this.withPrefix[i]!);
  }
}

function choiceCompiled(choice: Choice): Compiled {
  return {
    emitter: (index, prefix) => new ChoiceEmitter(choice, index, prefix),
    text: choice,
    maxBytes: Math.max(...choice.values.map((v) => Buffer.byteLength(JSON.stringify(v)))),
    choiceValues: choice.values,
  };
}

export function compileEnum(values: readonly Scalar[], slots: DrawSlots): Compiled {
  return choiceCompiled(new Choice(values, null, slots.take()));
}

export function compileWeighted(baseline: WeightedTable, incident: WeightedTable, slots: DrawSlots): Compiled {
  // One value table for both profiles, so a pick is an index whatever the profile.
  const values: Scalar[] = [];
  const indexOf = new Map<string, number>();
  const key = (v: Scalar) => `${typeof v}:${String(v)}`;
  for (const v of [...baseline.values, ...incident.values]) {
    if (!indexOf.has(key(v))) {
      indexOf.set(key(v), values.length);
      values.push(v);
    }
  }
  const table = (w: WeightedTable) => ({ t: thresholds(w.weights), to: w.values.map((v) => indexOf.get(key(v))!) });
  const b = table(baseline);
  const tables = [b, baseline === incident ? b : table(incident)];
  return choiceCompiled(new Choice(values, tables, slots.take()));
}
