// Parser for `derived` field expressions (SPEC §5.2): an earlier field's name, or arithmetic over field
// names and numbers with + - * / and parentheses. Must not evaluate with eval, nor know about fields' types.

export type ArithOp = '+' | '-' | '*' | '/';

/** The expression tree; `col` is the 1-based column of the node's first character. */
export type ArithExpr =
  | { kind: 'number'; value: number; col: number }
  | { kind: 'field'; name: string; col: number }
  | { kind: 'neg'; operand: ArithExpr; col: number }
  | { kind: 'binary'; op: ArithOp; left: ArithExpr; right: ArithExpr; col: number };

export interface ArithError {
  column: number; // 1-based
  message: string; // without the column; `formatArithError` adds it
}

export type ArithParse = { ok: true; expr: ArithExpr } | { ok: false; error: ArithError };

type Token =
  | { kind: 'number'; value: number; text: string; col: number }
  | { kind: 'name'; text: string; col: number }
  | { kind: 'op'; text: ArithOp | '(' | ')'; col: number }
  | { kind: 'end'; text: ''; col: number };

const NAME_START = /[A-Za-z_@]/;
const NAME_CHAR = /[A-Za-z0-9_.@]/;
const NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/;

class ArithSyntaxError extends Error {
  constructor(readonly column: number, message: string) {
    super(message);
  }
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const col = i + 1;
    if ('+-*/()'.includes(c)) {
      out.push({ kind: 'op', text: c as ArithOp | '(' | ')', col });
      i++;
      continue;
    }
    const num = NUMBER.exec(text.slice(i));
    if (num && (/\d/.test(c) || c === '.')) {
      const end = i + num[0].length;
      if (end < text.length && NAME_CHAR.test(text[end]!)) {
        throw new ArithSyntaxError(col, `${JSON.stringify(text.slice(i, end + 1))} is neither a number nor a field name`);
      }
      out.push({ kind: 'number', value: Number(num[0]), text: num[0], col });
      i = end;
      continue;
    }
    if (NAME_START.test(c)) {
      let end = i + 1;
      while (end < text.length && NAME_CHAR.test(text[end]!)) end++;
      out.push({ kind: 'name', text: text.slice(i, end), col });
      i = end;
      continue;
    }
    throw new ArithSyntaxError(col, `unexpected ${JSON.stringify(c)}; expected a field name, a number, + - * / or parentheses`);
  }
  out.push({ kind: 'end', text: '', col: text.length + 1 });
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): ArithExpr {
    const expr = this.sum();
    const t = this.peek();
    if (t.kind !== 'end') {
      const hint = t.kind === 'op' && t.text === ')' ? ' (no "(" to close)' : '; expected an operator + - * /';
      throw new ArithSyntaxError(t.col, `unexpected ${JSON.stringify(t.text)}${hint}`);
    }
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return t.kind === 'op' && ops.includes(t.text);
  }

  private sum(): ArithExpr {
    let left = this.product();
    while (this.isOp('+', '-')) {
      const t = this.tokens[this.pos++]!;
      const right = this.product(t.text);
      left = { kind: 'binary', op: t.text as ArithOp, left, right, col: left.col };
    }
    return left;
  }

  private product(after?: string): ArithExpr {
    let left = this.unary(after);
    while (this.isOp('*', '/')) {
      const t = this.tokens[this.pos++]!;
      const right = this.unary(t.text);
      left = { kind: 'binary', op: t.text as ArithOp, left, right, col: left.col };
    }
    return left;
  }

  private unary(after?: string): ArithExpr {
    if (this.isOp('-')) {
      const t = this.tokens[this.pos++]!;
      return { kind: 'neg', operand: this.unary('-'), col: t.col };
    }
    return this.primary(after);
  }

  private primary(after?: string): ArithExpr {
    const t = this.tokens[this.pos]!;
    if (t.kind === 'number') {
      this.pos++;
      return { kind: 'number', value: t.value, col: t.col };
    }
    if (t.kind === 'name') {
      this.pos++;
      return { kind: 'field', name: t.text, col: t.col };
    }
    if (t.kind === 'op' && t.text === '(') {
      this.pos++;
      const inner = this.sum();
      const close = this.peek();
      if (!(close.kind === 'op' && close.text === ')')) {
        throw new ArithSyntaxError(close.col, `expected ")" to close the "(" at column ${t.col}`);
      }
      this.pos++;
      return inner;
    }
    const where = after === undefined ? '' : ` after ${JSON.stringify(after)}`;
    const found = t.kind === 'end' ? 'the end of the expression' : JSON.stringify(t.text);
    throw new ArithSyntaxError(t.col, `expected a field name, a number or "("${where}, found ${found}`);
  }
}

/** Parses an expression; never throws for bad input. */
export function parseArith(text: string): ArithParse {
  try {
    if (text.trim() === '') return { ok: false, error: { column: 1, message: 'is empty; expected a field name or arithmetic such as "a * 1000"' } };
    return { ok: true, expr: new Parser(tokenize(text)).parse() };
  } catch (err) {
    if (err instanceof ArithSyntaxError) return { ok: false, error: { column: err.column, message: err.message } };
    throw err;
  }
}

/** `column 7: expected …` */
export function formatArithError(e: ArithError): string {
  return `column ${e.column}: ${e.message}`;
}

/** Every field reference in the expression, in reading order. */
export function fieldRefs(expr: ArithExpr): { name: string; col: number }[] {
  const out: { name: string; col: number }[] = [];
  const walk = (e: ArithExpr): void => {
    switch (e.kind) {
      case 'field': out.push({ name: e.name, col: e.col }); return;
      case 'neg': walk(e.operand); return;
      case 'binary': walk(e.left); walk(e.right); return;
      case 'number': return;
    }
  };
  walk(expr);
  return out;
}

/**
 * Evaluates with IEEE arithmetic; a field whose value is not a number (null, missing) makes the result
 * null, and so does a non-finite result (division by zero), since JSON has no Infinity or NaN.
 */
export function evaluateArith(expr: ArithExpr, valueOf: (name: string) => unknown): number | null {
  const ev = (e: ArithExpr): number | null => {
    switch (e.kind) {
      case 'number': return e.value;
      case 'field': {
        const v = valueOf(e.name);
        return typeof v === 'number' ? v : null;
      }
      case 'neg': {
        const v = ev(e.operand);
        return v === null ? null : -v;
      }
      case 'binary': {
        const a = ev(e.left);
        if (a === null) return null;
        const b = ev(e.right);
        if (b === null) return null;
        return applyOp(e.op, a, b);
      }
    }
  };
  const r = ev(expr);
  return r === null || !Number.isFinite(r) ? null : r + 0; // + 0 turns -0 into 0
}

export function applyOp(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
  }
}
