// Structural validation of a scenario document against the one schema (schema.ts), with ajv errors
// translated into one-line located problems. Must not do semantic checks (cross references, sums).

import { Ajv, type ErrorObject } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import type { DocPath, PathSegment, ProblemSink } from './problems.js';
import { show } from './problems.js';
import { closestName, didYouMean, oneOf } from './suggest.js';
import { pointerToPath, valueAt } from './json-pointer.js';

const PATTERN_TEXT: Record<string, string> = {
  '^[a-z0-9-]+$': 'lowercase letters, digits and "-"',
  '^[a-z0-9_-]+$': 'lowercase letters, digits, "_" and "-"',
  '^[1-9][0-9]*[smhd]$': 'a duration such as 15m (a whole number with s, m, h or d)',
};

function patternText(pattern: string): string {
  if (pattern.startsWith('^\\d+\\.\\d+\\.\\d+')) return 'a semantic version such as "1.0.0"';
  return PATTERN_TEXT[pattern] ?? `text matching ${pattern}`;
}

const compiled = new WeakMap<TSchema, ReturnType<Ajv['compile']>>();

function validatorFor(schema: TSchema) {
  let v = compiled.get(schema);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
    ajv.addKeyword('x-kubernetes-preserve-unknown-fields');
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Validates `data` against `schema`; every problem goes to `sink`. Returns true when none was found. */
export function checkStructure(data: unknown, schema: TSchema, sink: ProblemSink, base: DocPath = []): boolean {
  const validate = validatorFor(schema);
  if (validate(data)) return true;
  const errors = validate.errors ?? [];
  // ajv reports a type error and the same node's other keywords separately; keep the most useful one.
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  // A typo ("tagret_eps") yields both "unknown key" and "missing target_eps"; the suggestion says it all.
  const suggested = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys(((e.parentSchema as Record<string, unknown> | undefined)?.properties as object | undefined) ?? {});
    const hint = closestName(String((e.params as Record<string, unknown>).additionalProperty), allowed);
    if (hint !== null) suggested.add(`${e.instancePath}\u0000${hint}`);
  }
  for (const e of errors) {
    if (e.keyword === 'required'
        && suggested.has(`${e.instancePath}\u0000${String((e.params as Record<string, unknown>).missingProperty)}`)) continue;
    if (e.keyword !== 'type' && e.keyword !== 'required' && e.keyword !== 'additionalProperties'
        && typeErrorAt.has(e.instancePath)) continue;
    const path = [...base, ...pointerToPath(data, e.instancePath)];
    report(e, path, data, sink);
  }
  return false;
}

function report(e: ErrorObject, path: PathSegment[], root: unknown, sink: ProblemSink): void {
  const value = valueAt(root, path);
  const p = e.params as Record<string, unknown>;
  const schema = e.parentSchema as Record<string, unknown> | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((schema?.properties as Record<string, unknown> | undefined) ?? {});
      const hint = didYouMean(key, allowed);
      sink.error([...path, key], hint
        ? `unknown key ${show(key)}${hint}`
        : `unknown key ${show(key)}; expected ${allowed.length ? oneOf(allowed) : 'no keys here'}`, 'key');
      return;
    }
    case 'required':
      sink.error(path, `missing required key ${show(String(p.missingProperty))}`);
      return;
    case 'type': {
      const want = String(p.type);
      sink.error(path, `expected ${typeName(want)}, got ${describe(value)}`);
      return;
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
      sink.error(path, `${show(value)} is not allowed${hint}; expected ${oneOf(allowed)}`);
      return;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      sink.error(path, `must be ${op} ${String(p.limit)}, got ${show(value)}`);
      return;
    }
    case 'pattern':
      sink.error(path, `${show(value)} is not valid; expected ${patternText(String(p.pattern))}`);
      return;
    case 'minLength':
      sink.error(path, 'must not be empty');
      return;
    case 'minItems':
      sink.error(path, `must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`);
      return;
    default:
      sink.error(path, `is not valid: ${e.message ?? e.keyword}`);
  }
}

function typeName(t: string): string {
  switch (t) {
    case 'integer': return 'a whole number';
    case 'number': return 'a number';
    case 'string': return 'a string';
    case 'boolean': return 'true or false';
    case 'object': return 'a mapping (key: value)';
    case 'array': return 'a list';
    default: return t.split(',').map(typeName).join(' or ');
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return show(v);
}

