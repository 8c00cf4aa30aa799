// The `derived` generator (SPEC §5.2): a copy of an earlier field, or arithmetic over earlier numeric fields
// compiled to closures (no eval); int/long results round half up. Must not draw randomness.

import { roundHalfUp } from '../../core/numbers.js';
import type { ArithExpr } from '../../scenario/arith-expression.js';
import type { Scalar } from '../../scenario/check-fields.js';
import type { FieldType } from '../../scenario/schema.js';
import type { Compiled, FieldEmitter } from './compiled.js';
import type { EventState } from './event-state.js';
import { byteLiteral, MAX_NUMBER_BYTES, type ByteLiteral } from './json-bytes.js';

type NumFn = (st: EventState) => number | null;
const NULL = byteLiteral('null');

/** A field whose value is a number or null (a null operand, a non-finite result). */
class NullableNumberEmitter implements FieldEmitter {
  private readonly prefix: ByteLiteral;
  constructor(private readonly value: NumFn, private readonly index: number, prefix: string) {
    this.prefix = byteLiteral(prefix);
  }

  emit(st: EventState): void {
    const v = this.value(st);
    st.raw[this.index] = v;
    st.out.lit(this.prefix);
    if (v === null) st.out.lit(NULL);
    else st.out.number(v);
  }
}

function nullableNumber(value: NumFn): Compiled {
  return { emitter: (index, prefix) => new NullableNumberEmitter(value, index, prefix), maxBytes: MAX_NUMBER_BYTES };
}

/** Repeats the source's JSON bytes (and value). */
class CopyEmitter implements FieldEmitter {
  private readonly prefix: ByteLiteral;
  constructor(private readonly field: number, private readonly index: number, prefix: string) {
    this.prefix = byteLiteral(prefix);
  }

  emit(st: EventState): void {
    st.raw[this.index] = st.raw[this.field]!;
    st.out.lit(this.prefix);
    st.out.copy(st.start[this.field]!, st.end[this.field]!);
  }
}

/** A copy of an enum/weighted_enum field: its prefix + value bytes precombined, by picked index. */
class ChoiceCopyEmitter implements FieldEmitter {
  private readonly withPrefix: ByteLiteral[];
  constructor(private readonly field: number, private readonly values: readonly Scalar[], private readonly index: number, prefix: string) {
    this.withPrefix = values.map((v) => byteLiteral(prefix + JSON.stringify(v)));
  }

  emit(st: EventState): void {
    const i = st.picked[this.field]!;
    st.picked[this.index] = i;
    st.raw[this.index] = this.values[i]!;
    st.out.lit(this.withPrefix[i]!);
  }
}

/**
 * A float copied into an int/long field is rounded half up. `sourceChoices`: the source's values when it is an
 * enum/weighted_enum (see st.picked).
 */
export function compileCopy(field: number, sourceType: FieldType, type: FieldType, sourceMaxBytes: number,
  sourceChoices: readonly Scalar[] | undefined): Compiled {
  if (sourceType === 'float' && (type === 'int' || type === 'long')) {
    return nullableNumber((st) => {
      const v = st.valueOf(field);
      return typeof v === 'number' ? roundHalfUp(v) : null;
    });
  }
  if (sourceChoices) {
    return { emitter: (index, prefix) => new ChoiceCopyEmitter(field, sourceChoices, index, prefix), maxBytes: sourceMaxBytes };
  }
  return { emitter: (index, prefix) => new CopyEmitter(field, index, prefix), maxBytes: sourceMaxBytes };
}

function compileExpr(e: ArithExpr, fields: Readonly<Record<string, number>>): NumFn {
  switch (e.kind) {
    case 'number': {
      const v = e.value;
      return () => v;
    }
    case 'field': {
      const i = fields[e.name]!;
      return (st) => {
        const v = st.valueOf(i);
        return typeof v === 'number' ? v : null;
      };
    }
    case 'neg': {
      const f = compileExpr(e.operand, fields);
      return (st) => {
        const v = f(st);
        return v === null ? null : -v;
      };
    }
    case 'binary': {
      const a = compileExpr(e.left, fields);
      const b = compileExpr(e.right, fields);
      // One closure per operator, so no evaluation switches on the operator.
      switch (e.op) {
        case '+': return (st) => { const x = a(st); const y = x === null ? null : b(st); return y === null ? null : x! + y; };
        case '-': return (st) => { const x = a(st); const y = x === null ? null : b(st); return y === null ? null : x! - y; };
        case '*': return (st) => { const x = a(st); const y = x === null ? null : b(st); return y === null ? null : x! * y; };
        case '/': return (st) => { const x = a(st); const y = x === null ? null : b(st); return y === null ? null : x! / y; };
      }
    }
  }
}

/** Null operands give null, and so does a non-finite result (JSON has no Infinity or NaN). */
export function compileArith(expression: ArithExpr, fields: Readonly<Record<string, number>>, type: FieldType): Compiled {
  const f = compileExpr(expression, fields);
  const whole = type === 'int' || type === 'long';
  return nullableNumber((st) => {
    const v = f(st);
    return v === null || !Number.isFinite(v) ? null : whole ? roundHalfUp(v) : v + 0;
  });
}
