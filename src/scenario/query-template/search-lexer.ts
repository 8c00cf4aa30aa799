// Splits a search template (SPEC §7.2) into tokens on demand, with 1-based line/column positions
// counted in code points. Must not interpret structure (the search parser does).

import type { CompareOp, SourcePos } from './ast.js';
import { TemplateSyntaxFailure } from './template-error.js';

interface TokenBase {
  pos: SourcePos;
  /** Whether whitespace separates this token from the previous one. */
  spaceBefore: boolean;
  /** The source text of the token, for "found …" messages; null at the end. */
  raw: string | null;
}

export type SearchToken = TokenBase & (
  | { t: 'field'; name: string } // `name:` — a word directly followed by a colon
  | { t: 'word'; text: string }
  | { t: 'quoted'; text: string }
  | { t: 'variable'; name: string }
  | { t: 'op'; op: CompareOp }
  | { t: 'punct'; text: '(' | ')' | '[' | ']' | ':' }
  | { t: 'end' }
);

const NOT_IN_WORDS = new Set(['(', ')', '[', ']', '{', '}', '"', ':', '<', '>']);
const WHITESPACE = /^\s$/u;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class SearchLexer {
  private readonly chars: string[];
  private readonly positions: SourcePos[];
  private i = 0;
  private peeked: SearchToken | null = null;

  constructor(text: string) {
    this.chars = Array.from(text);
    this.positions = [];
    let line = 1;
    let column = 1;
    for (const c of this.chars) {
      this.positions.push({ line, column });
      if (c === '\n') {
        line += 1;
        column = 1;
      } else column += 1;
    }
    this.positions.push({ line, column });
  }

  peek(): SearchToken {
    if (this.peeked === null) this.peeked = this.lex();
    return this.peeked;
  }

  next(): SearchToken {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  /**
   * Inside `[ … ]`: the next run of characters up to whitespace or `]` (dates contain colons, so the
   * ordinary tokens do not fit). Empty text when `]` or the end comes first. Only valid with nothing peeked.
   */
  rangeWord(): { text: string; pos: SourcePos } {
    if (this.peeked !== null) throw new Error('rangeWord() with a token peeked');
    this.skipSpace();
    const start = this.i;
    while (this.i < this.chars.length && this.chars[this.i] !== ']' && !isSpace(this.chars[this.i]!)) this.i += 1;
    return { text: this.chars.slice(start, this.i).join(''), pos: this.positions[start]! };
  }

  private skipSpace(): boolean {
    const start = this.i;
    while (this.i < this.chars.length && isSpace(this.chars[this.i]!)) this.i += 1;
    return this.i > start;
  }

  private lex(): SearchToken {
    const spaceBefore = this.skipSpace();
    const start = this.i;
    const pos = this.positions[start]!;
    const c = this.chars[start];
    if (c === undefined) return { t: 'end', pos, spaceBefore, raw: null };
    const base = (raw: string) => ({ pos, spaceBefore, raw });

    if (c === '(' || c === ')' || c === '[' || c === ']' || c === ':') {
      this.i += 1;
      return { t: 'punct', text: c, ...base(c) };
    }
    if (c === '>' || c === '<') {
      const op: CompareOp = this.chars[start + 1] === '=' ? (c === '>' ? '>=' : '<=') : c;
      this.i += op.length;
      return { t: 'op', op, ...base(op) };
    }
    if (c === '"') return { t: 'quoted', ...this.quoted(pos), pos, spaceBefore };
    if (c === '{') {
      if (this.chars[start + 1] !== '{') throw new TemplateSyntaxFailure(pos, 'unexpected "{"; a variable is written {{name}}');
      return { t: 'variable', ...this.variable(pos), pos, spaceBefore };
    }
    if (c === '}') throw new TemplateSyntaxFailure(pos, 'unexpected "}"; a variable is written {{name}}');

    while (this.i < this.chars.length && isWordChar(this.chars[this.i]!)) this.i += 1;
    const text = this.chars.slice(start, this.i).join('');
    if (this.chars[this.i] === ':') {
      this.i += 1;
      return { t: 'field', name: text, ...base(`${text}:`) };
    }
    return { t: 'word', text, ...base(text) };
  }

  /** `"…"` with `\"` and `\\` unescaped; any other backslash is kept as written. */
  private quoted(pos: SourcePos): { text: string; raw: string } {
    const start = this.i;
    let text = '';
    this.i += 1;
    for (;;) {
      const c = this.chars[this.i];
      if (c === undefined) throw new TemplateSyntaxFailure(pos, 'unclosed quoted string; expected a closing "');
      if (c === '"') break;
      if (c === '\\' && (this.chars[this.i + 1] === '"' || this.chars[this.i + 1] === '\\')) {
        text += this.chars[this.i + 1];
        this.i += 2;
      } else {
        text += c;
        this.i += 1;
      }
    }
    this.i += 1;
    return { text, raw: this.chars.slice(start, this.i).join('') };
  }

  /** `{{ name }}`: letters, digits and `_`, not starting with a digit; spaces inside the braces are ignored. */
  private variable(pos: SourcePos): { name: string; raw: string } {
    const start = this.i;
    let j = start + 2;
    while (j < this.chars.length && !(this.chars[j] === '}' && this.chars[j + 1] === '}')) j += 1;
    if (j >= this.chars.length) throw new TemplateSyntaxFailure(pos, 'unclosed "{{"; expected "}}" after the variable name');
    const name = this.chars.slice(start + 2, j).join('').trim();
    this.i = j + 2;
    const raw = this.chars.slice(start, this.i).join('');
    if (name === '') throw new TemplateSyntaxFailure(pos, 'empty variable "{{}}"; expected {{name}}');
    if (!VARIABLE_NAME.test(name)) {
      throw new TemplateSyntaxFailure(pos, `invalid variable name ${JSON.stringify(name)}; expected letters, digits `
        + 'and _, not starting with a digit');
    }
    return { name, raw };
  }
}

function isSpace(c: string): boolean {
  return WHITESPACE.test(c);
}

function isWordChar(c: string): boolean {
  return !NOT_IN_WORDS.has(c) && !isSpace(c);
}
