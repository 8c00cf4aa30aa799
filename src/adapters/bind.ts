// Binds `{{var}}` values into compiled queries at execution time (SPEC §7.3): SQL slots through the target's
// literal escaper, DSL markers into typed JSON values. Must not compile templates or let a value change a query's structure.

import { TargetError } from '../core/errors.js';
import type { SqlPart, Vars } from './types.js';

/** Key of a variable marker in a compiled DSL body: `{ "$ibVar": name, "as": "string" | "number" }`. */
export const DSL_VAR_KEY = '$ibVar';
/**
 * Key of a text marker: `{ "$ibText": ["trace ", <$ibVar marker>, "…"] }`, bound to one string (the pieces
 * concatenated). Native `dsl:` strings with a `{{var}}` inside other text compile to it.
 */
export const DSL_TEXT_KEY = '$ibText';

export type SlotType = 'string' | 'number';
export interface DslVarMarker {
  [DSL_VAR_KEY]: string;
  as: SlotType;
}
export interface DslTextMarker {
  [DSL_TEXT_KEY]: (string | DslVarMarker)[];
}

/** The error class of a missing or ill-typed variable value. */
export const BAD_VARIABLE = 'bad_variable';

export function dslVar(name: string, as: SlotType): DslVarMarker {
  return { [DSL_VAR_KEY]: name, as };
}

/**
 * The final SQL text: text parts as they are, each slot replaced by its value — a string slot through
 * `escapeLiteral` (which returns the complete quoted literal), a number slot as a plain number. Throws a TargetError
 * of class `bad_variable` for a missing variable or a value that is not a finite number in a number slot.
 */
export function bindSql(parts: readonly SqlPart[], vars: Vars, escapeLiteral: (value: string) => string): string {
  let out = '';
  for (const p of parts) {
    if ('text' in p) out += p.text;
    else out += p.as === 'number' ? numberText(p.variable, valueOf(p.variable, vars)) : escapeLiteral(stringOf(valueOf(p.variable, vars)));
  }
  return out;
}

/**
 * A copy of a compiled DSL body with every marker replaced: `as: "number"` → a JSON number, `as: "string"` → a JSON
 * string, a text marker → one string. The input is not modified. Same errors as bindSql.
 */
export function bindDsl(body: unknown, vars: Vars): unknown {
  if (Array.isArray(body)) return body.map((x) => bindDsl(x, vars));
  if (body === null || typeof body !== 'object') return body;
  if (isVarMarker(body)) return bindMarker(body, vars);
  if (isTextMarker(body)) {
    return body[DSL_TEXT_KEY].map((piece) => (typeof piece === 'string' ? piece : stringOf(valueOf(piece[DSL_VAR_KEY], vars)))).join('');
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) out[k] = bindDsl(v, vars);
  return out;
}

export function isVarMarker(x: unknown): x is DslVarMarker {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const keys = Object.keys(x);
  const m = x as Record<string, unknown>;
  return keys.length === 2 && typeof m[DSL_VAR_KEY] === 'string' && (m.as === 'string' || m.as === 'number');
}

function isTextMarker(x: object): x is DslTextMarker {
  const keys = Object.keys(x);
  return keys.length === 1 && keys[0] === DSL_TEXT_KEY && Array.isArray((x as Record<string, unknown>)[DSL_TEXT_KEY]);
}

function bindMarker(m: DslVarMarker, vars: Vars): string | number {
  const name = m[DSL_VAR_KEY];
  const value = valueOf(name, vars);
  if (m.as === 'string') return stringOf(value);
  const text = numberText(name, value);
  const n = Number(text);
  // An integer beyond 2^53 keeps its digits as a string (OpenSearch accepts numeric strings for numeric fields).
  return Number.isInteger(n) && !Number.isSafeInteger(n) && typeof value === 'string' ? text : n;
}

function valueOf(name: string, vars: Vars): string | number | boolean {
  const v = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
  if (v === undefined || v === null) {
    const known = Object.keys(vars);
    throw new TargetError(BAD_VARIABLE, `variable ${JSON.stringify(name)} has no value; expected one of the query's `
      + `variables (bound: ${known.length > 0 ? known.map((k) => JSON.stringify(k)).join(', ') : 'none'})`);
  }
  return v;
}

function stringOf(v: string | number | boolean): string {
  return typeof v === 'string' ? v : String(v);
}

const DECIMAL = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number slot's text: a finite number, or a string that is a plain decimal number (kept digit for digit). */
function numberText(name: string, v: string | number | boolean): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && DECIMAL.test(v.trim())) return v.trim();
  throw new TargetError(BAD_VARIABLE, `variable ${JSON.stringify(name)} is ${JSON.stringify(v)}, which is not a finite `
    + 'number; expected a number for this numeric field');
}
