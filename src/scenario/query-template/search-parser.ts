// Recursive-descent parser of the search language of SPEC §7.2 (OR, AND, juxtaposition, NOT, parentheses,
// `*`, field:value). Must not look at the schema (checkTemplate does) and must not stop callers with a throw.

import type { ClauseValue, RangeBound, SearchNode, SourcePos } from './ast.js';
import type { SearchToken } from './search-lexer.js';
import { SearchLexer } from './search-lexer.js';
import { TemplateSyntaxFailure, describeText } from './template-error.js';

const KEYWORDS = new Set(['AND', 'OR', 'NOT']);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses one search; the first syntax error comes back as a failure with its position. */
export function parseSearch(text: string): { ok: true; node: SearchNode } | { ok: false; pos: SourcePos; reason: string } {
  try {
    return { ok: true, node: new SearchParser(text).parse() };
  } catch (e) {
    if (e instanceof TemplateSyntaxFailure) return { ok: false, pos: e.pos, reason: e.reason };
    throw e;
  }
}

/** Parses a number exactly as the search language writes it, or null. */
export function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

class SearchParser {
  private readonly lexer: SearchLexer;
  constructor(text: string) {
    this.lexer = new SearchLexer(text);
  }

  parse(): SearchNode {
    const node = this.or(null);
    const t = this.lexer.peek(); // or() stops only at the end or at a ")"
    if (t.t !== 'end') fail(t.pos, 'unexpected ")" (no "(" to close)');
    return node;
  }

  private or(after: string | null): SearchNode {
    const operands = [this.and(after)];
    while (isKeyword(this.lexer.peek(), 'OR')) {
      this.lexer.next();
      operands.push(this.and('OR'));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private and(after: string | null): SearchNode {
    const operands = [this.not(after)];
    for (;;) {
      const t = this.lexer.peek();
      if (t.t === 'end' || (t.t === 'punct' && t.text === ')') || isKeyword(t, 'OR')) break;
      if (isKeyword(t, 'AND')) {
        this.lexer.next();
        operands.push(this.not('AND'));
      } else operands.push(this.not(null));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private not(after: string | null): SearchNode {
    const t = this.lexer.peek();
    if (isKeyword(t, 'NOT')) {
      this.lexer.next();
      return { kind: 'not', operand: this.not('NOT') };
    }
    if (t.t === 'punct' && t.text === '(') {
      this.lexer.next();
      const inner = this.or('(');
      const close = this.lexer.peek();
      if (!(close.t === 'punct' && close.text === ')')) {
        fail(close.pos, `expected ")" to close the "(" at ${at(t.pos, close.pos)}, found ${describe(close)}`);
      }
      this.lexer.next();
      return inner;
    }
    if (t.t === 'field') {
      this.lexer.next();
      return { kind: 'clause', field: t.name, value: this.value(t.name), pos: t.pos };
    }
    if (t.t === 'word' && t.text === '*') {
      this.lexer.next();
      return { kind: 'match_all' };
    }
    const expected = `expected a clause (field:value or *)${after ? ` after ${JSON.stringify(after)}` : ''}`;
    if (t.t === 'word') {
      if (KEYWORDS.has(t.text)) fail(t.pos, `${expected}, found ${describe(t)}`);
      if (KEYWORDS.has(t.text.toUpperCase())) {
        fail(t.pos, `${describe(t)} is not an operator; expected ${t.text.toUpperCase()} in upper case`);
      }
      fail(t.pos, `${expected}, found the bare word ${describe(t)} (a term needs its field, e.g. message:${t.text})`);
    }
    return fail(t.pos, `${expected}, found ${describe(t)}`);
  }

  private value(field: string): ClauseValue {
    const t = this.lexer.peek();
    const missing = () => fail(t.pos, `expected a value after ":", found ${describe(t)}`);
    switch (t.t) {
      case 'word':
        if (t.spaceBefore && KEYWORDS.has(t.text)) return missing();
        this.lexer.next();
        return /[*?]/.test(t.text) ? { kind: 'wildcard', pattern: t.text } : { kind: 'term', text: t.text };
      case 'quoted':
        this.lexer.next();
        return { kind: 'phrase', text: t.text };
      case 'variable':
        this.lexer.next();
        return { kind: 'variable', name: t.name };
      case 'field': {
        // `host:a:b` — the value itself holds a colon
        const colon = { line: t.pos.line, column: t.pos.column + Array.from(t.name).length };
        return fail(colon, `unexpected ":" after ${JSON.stringify(t.name)}; quote a value that contains ":", `
          + `e.g. ${field}:"${t.name}:…"`);
      }
      case 'op': {
        this.lexer.next();
        const n = this.lexer.peek();
        const value = n.t === 'word' ? parseNumber(n.text) : null;
        if (value === null) fail(n.pos, `expected a number after "${t.op}", found ${describe(n)}`);
        this.lexer.next();
        return { kind: 'compare', op: t.op, value: value! };
      }
      case 'punct':
        if (t.text === '[') {
          this.lexer.next();
          return this.range(t.pos);
        }
        return missing();
      default:
        return missing();
    }
  }

  private range(open: SourcePos): ClauseValue {
    const from = this.bound('after "["');
    const to = this.lexer.rangeWord();
    if (to.text !== 'TO') {
      fail(to.pos, `expected "TO" between the range bounds, found ${describeText(to.text || this.closeOrEnd())}`);
    }
    const upper = this.bound('after "TO"');
    const close = this.lexer.peek();
    if (!(close.t === 'punct' && close.text === ']')) {
      fail(close.pos, `expected "]" to close the range opened at ${at(open, close.pos)}, found ${describe(close)}`);
    }
    this.lexer.next();
    return { kind: 'range', from, to: upper };
  }

  private bound(where: string): RangeBound {
    const w = this.lexer.rangeWord();
    if (w.text === '') fail(w.pos, `expected a range bound (a number, a date or *) ${where}, found ${describeText(this.closeOrEnd())}`);
    if (w.text === '*') return { kind: 'unbounded' };
    const n = parseNumber(w.text);
    if (n !== null) return { kind: 'number', value: n };
    if (ISO_DATE.test(w.text) && !Number.isNaN(Date.parse(w.text))) return { kind: 'date', text: w.text };
    return fail(w.pos, `expected a range bound (a number, an ISO-8601 date or *) ${where}, found ${JSON.stringify(w.text)}`);
  }

  /** What stopped an empty range word: `]` or the end. */
  private closeOrEnd(): string | null {
    const t = this.lexer.peek();
    return t.raw;
  }
}

function isKeyword(t: SearchToken, word: 'AND' | 'OR' | 'NOT'): boolean {
  return t.t === 'word' && t.text === word;
}

function describe(t: SearchToken): string {
  return describeText(t.raw);
}

/** `column 3`, or `line 1, column 3` when the reader is on another line. */
function at(pos: SourcePos, from: SourcePos): string {
  return pos.line === from.line ? `column ${pos.column}` : `line ${pos.line}, column ${pos.column}`;
}

function fail(pos: SourcePos, reason: string): never {
  throw new TemplateSyntaxFailure(pos, reason);
}
