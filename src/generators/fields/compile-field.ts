// Compiles a stream's FieldSpecs into per-field emitters, once, handing each field its draw slots so every
// draw is hash(seed, g, field, k). Must not be called per event.

import type { FieldSpec, GenSpec, Scalar, TimestampFormat } from '../../scenario/check-fields.js';
import type { FieldType } from '../../scenario/schema.js';
import { compileEnum, compileWeighted } from './choice.js';
import type { Compiled, FieldEmitter } from './compiled.js';
import { compileConditional } from './conditional.js';
import { compileArith, compileCopy } from './derived.js';
import { DrawSlots } from './event-state.js';
import { compileDistribution, compileRange } from './numeric.js';
import { compileGenerated, compileHex, compileIp, compilePattern, compileTemplate } from './text.js';
import { compileNow } from './timestamp.js';

export interface CompiledField {
  name: string;
  type: FieldType;
  /** Writes the key prefix and the value. */
  emitter: FieldEmitter;
  /** The prefix's byte length (the value starts right after it). */
  prefixBytes: number;
  /** The most bytes prefix and value take together. */
  maxBytes: number;
}

export interface CompileOptions {
  /** Replaces the format of `now` fields of type timestamp (adapters may ask for another). */
  timestampFormat?: TimestampFormat | undefined;
}

/** `specs` must be free of problems (every spec non-null). */
export function compileFields(specs: readonly FieldSpec[], opts: CompileOptions = {}): CompiledField[] {
  const valueMaxBytes: number[] = [];
  /** The values of top-level enum/weighted_enum fields, by picked index. */
  const choices: (readonly Scalar[] | undefined)[] = [];
  return specs.map((f, index): CompiledField => {
    if (f.spec === null) throw new RangeError(`field ${f.name} has problems and cannot be compiled`);
    const slots = new DrawSlots(index);
    const compile = (spec: GenSpec, type: FieldType | null): Compiled => {
      switch (spec.generator) {
        case 'now':
          return compileNow(type === 'timestamp' && opts.timestampFormat ? opts.timestampFormat : spec.format);
        case 'enum': return compileEnum(spec.values, slots);
        case 'weighted_enum': return compileWeighted(spec.baseline, spec.incident, slots);
        case 'range': return compileRange(spec.min, spec.max, slots);
        case 'distribution': return compileDistribution(spec.baseline, spec.incident, type, slots);
        case 'hex': return compileHex(spec.length, slots);
        case 'ip': return compileIp(spec.network, spec.prefix, slots);
        case 'pattern':
          return compilePattern(spec.text, { fieldMaxBytes: valueMaxBytes, fieldChoices: choices, generated: compileGenerated(spec.generated, (p) => compile(p.spec, null)) });
        case 'template': {
          const generated = compileGenerated(spec.generated, (p) => compile(p.spec, null));
          return compileTemplate(spec.keyField, spec.lists, spec.fallback, { fieldMaxBytes: valueMaxBytes, fieldChoices: choices, generated }, slots,
            choices[spec.keyField]);
        }
        case 'conditional':
          return compileConditional(spec.field, spec.condition, compile(spec.inner, type), spec.otherwise, choices[spec.field]);
        case 'derived':
          return spec.mode === 'copy'
            ? compileCopy(spec.field, specs[spec.field]!.type, f.type, valueMaxBytes[spec.field]!, choices[spec.field])
            : compileArith(spec.expression, spec.fields, f.type);
      }
    };
    const c = compile(f.spec, f.type);
    const prefix = (index === 0 ? '{' : ',') + JSON.stringify(f.name) + ':';
    valueMaxBytes.push(c.maxBytes);
    choices.push(f.spec.generator === 'enum' || f.spec.generator === 'weighted_enum' ? c.choiceValues : undefined);
    const prefixBytes = Buffer.byteLength(prefix);
    return { name: f.name, type: f.type, emitter: c.emitter(index, prefix), prefixBytes, maxBytes: prefixBytes + c.maxBytes };
  });
}
