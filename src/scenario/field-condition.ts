// Parser for `conditional` conditions (SPEC §5.2): `<field> in [a, b, …]`, `<field> == v`, `<field> != v`,
// and the one rule deciding whether a value matches. Must not know about fields' types or order.

export type ConditionOp = 'in' | '==' | '!=';

/**
 * A value as written: bare `null` matches only null; anything else matches a value whose text form
 * (`String(v)`) equals `text`. Bare numbers are normalised (`200.0` → `200`), quoted text is literal.
 */
export type ConditionValue =
  | { kind: 'null'; col: number }
  | { kind: 'text'; text: string; quoted: boolean; col: number };

export interface FieldCondition {
  field: string;
  fieldCol: number;
  op: ConditionOp;
  values: ConditionValue[]; // exactly one for == and !=
}

export interface ConditionError {
  column: number; // 1-based
  message: string;
}

export type ConditionParse = { ok: true; condition: FieldCondition } | { ok: false; error: ConditionError };

const NUMBER = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BARE_STOP = new Set([' ', '\t', '\n', '\r', ',', '[', ']', '"', "'", '=', '!']);

class ConditionSyntaxError extends Error {
  constructor(readonly column: number, message: string) {
    super(message);
  }
}

class Scanner {
  i = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }

  get col(): number {
    return this.i + 1;
  }

  atEnd(): boolean {
    return this.i >= this.text.length;
  }

  peek(): string {
    return this.text[this.i] ?? '';
  }

  bare(): string {
    const start = this.i;
    while (this.i < this.text.length && !BARE_STOP.has(this.text[this.i]!)) this.i++;
    return this.text.slice(start, this.i);
  }

  describeHere(): string {
    return this.atEnd() ? 'the end of the condition' : JSON.stringify(this.text.slice(this.i, this.i + 12));
  }
}

function parseValue(s: Scanner, context: string): ConditionValue {
  s.skipSpace();
  const col = s.col;
  const q = s.peek();
  if (q === '"' || q === "'") {
    s.i++;
    let out = '';
    for (;;) {
      if (s.atEnd()) throw new ConditionSyntaxError(col, `unclosed ${q} string; expected a closing ${q}`);
      const c = s.text[s.i++]!;
      if (c === q) break;
      if (c === '\\' && !s.atEnd()) {
        out += s.text[s.i++]!;
        continue;
      }
      out += c;
    }
    return { kind: 'text', text: out, quoted: true, col };
  }
  const word = s.bare();
  if (word === '') throw new ConditionSyntaxError(col, `expected a value ${context}, found ${s.describeHere()}`);
  if (word === 'null') return { kind: 'null', col };
  const text = NUMBER.test(word) ? String(Number(word)) : word;
  return { kind: 'text', text, quoted: false, col };
}

function parse(text: string): FieldCondition {
  const s = new Scanner(text);
  s.skipSpace();
  const fieldCol = s.col;
  const field = s.bare();
  if (field === '') throw new ConditionSyntaxError(fieldCol, `expected a field name, found ${s.describeHere()}`);
  s.skipSpace();
  const opCol = s.col;
  let op: ConditionOp;
  if (text.startsWith('==', s.i)) {
    op = '==';
    s.i += 2;
  } else if (text.startsWith('!=', s.i)) {
    op = '!=';
    s.i += 2;
  } else {
    const word = s.bare();
    if (word !== 'in') {
      const found = word === '' ? s.describeHere() : JSON.stringify(word);
      throw new ConditionSyntaxError(opCol, `expected "in", "==" or "!=" after the field name, found ${found}`);
    }
    op = 'in';
  }
  const values: ConditionValue[] = [];
  if (op === 'in') {
    s.skipSpace();
    if (s.peek() !== '[') throw new ConditionSyntaxError(s.col, `expected "[" after "in", found ${s.describeHere()}`);
    const open = s.col;
    s.i++;
    s.skipSpace();
    if (s.peek() === ']') throw new ConditionSyntaxError(s.col, 'the list is empty; expected at least one value');
    for (;;) {
      values.push(parseValue(s, values.length === 0 ? 'after "["' : 'after ","'));
      s.skipSpace();
      if (s.peek() === ',') {
        s.i++;
        continue;
      }
      if (s.peek() === ']') {
        s.i++;
        break;
      }
      throw new ConditionSyntaxError(s.col, `expected "," or "]" to close the "[" at column ${open}, found ${s.describeHere()}`);
    }
  } else {
    values.push(parseValue(s, `after "${op}"`));
  }
  s.skipSpace();
  if (!s.atEnd()) throw new ConditionSyntaxError(s.col, `unexpected ${s.describeHere()} after the condition; expected the end`);
  return { field, fieldCol, op, values };
}

/** Parses a condition; never throws for bad input. */
export function parseCondition(text: string): ConditionParse {
  try {
    return { ok: true, condition: parse(text) };
  } catch (err) {
    if (err instanceof ConditionSyntaxError) return { ok: false, error: { column: err.column, message: err.message } };
    throw err;
  }
}

export function formatConditionError(e: ConditionError): string {
  return `column ${e.column}: ${e.message}`;
}

/** A predicate over a field's value, built once: `in`/`==` test membership, `!=` its negation. */
export function conditionMatcher(c: FieldCondition): (value: unknown) => boolean {
  const texts = new Set<string>();
  let matchesNull = false;
  for (const v of c.values) {
    if (v.kind === 'null') matchesNull = true;
    else texts.add(v.text);
  }
  const member = (value: unknown): boolean =>
    value === null || value === undefined ? matchesNull : texts.has(typeof value === 'string' ? value : String(value));
  return c.op === '!=' ? (value) => !member(value) : member;
}
