// The `conditional` generator (SPEC §5.2): the inner generator's value when the condition holds on an earlier
// field, else a constant (default null). Must not draw for the inner generator when the condition fails.

import type { Scalar } from '../../scenario/check-fields.js';
import { conditionMatcher, type FieldCondition } from '../../scenario/field-condition.js';
import type { Compiled, FieldEmitter } from './compiled.js';
import type { EventState } from './event-state.js';
import { byteLiteral, type ByteLiteral } from './json-bytes.js';

class ConditionalEmitter implements FieldEmitter {
  private readonly otherwiseBytes: ByteLiteral;
  constructor(private readonly field: number, private readonly holds: (v: unknown) => boolean,
    /** When the condition's field is an enum/weighted_enum: whether it holds, by picked index. */
    private readonly holdsByIndex: Uint8Array | null,
    private readonly inner: FieldEmitter, private readonly otherwise: Scalar, private readonly index: number, prefix: string) {
    this.otherwiseBytes = byteLiteral(prefix + JSON.stringify(otherwise));
  }

  emit(st: EventState): void {
    const byIndex = this.holdsByIndex;
    if (byIndex !== null ? byIndex[st.picked[this.field]!] === 1 : this.holds(st.valueOf(this.field))) {
      this.inner.emit(st);
      return;
    }
    st.raw[this.index] = this.otherwise;
    st.out.lit(this.otherwiseBytes);
  }
}

/** `fieldChoices`: the values of the condition's field when it is an enum/weighted_enum (see st.picked). */
export function compileConditional(field: number, condition: FieldCondition, inner: Compiled, otherwise: Scalar,
  fieldChoices: readonly Scalar[] | undefined): Compiled {
  const holds = conditionMatcher(condition);
  const byIndex = fieldChoices ? Uint8Array.from(fieldChoices, (v) => (holds(v) ? 1 : 0)) : null;
  return {
    emitter: (index, prefix) => new ConditionalEmitter(field, holds, byIndex, inner.emitter(index, prefix), otherwise, index, prefix),
    maxBytes: Math.max(inner.maxBytes, Buffer.byteLength(JSON.stringify(otherwise))),
  };
}
