// The condition language of scenario rules and thresholds (SPEC §12.3, §12.4): parser, metric-name
// resolution and evaluator. Must never eval text, and must not fetch metric values itself.

import type { MetricNameContext } from './metric-names.js';
import { resolveMetricName } from './metric-names.js';

export type RuleOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type RuleExpr = RuleOr | RuleAnd | RuleCompare;

/** `a or b or …`: two or more operands. */
export interface RuleOr {
  kind: 'or';
  operands: RuleExpr[];
}

/** `a and b and …`: two or more operands; `and` binds tighter than `or`. */
export interface RuleAnd {
  kind: 'and';
  operands: RuleExpr[];
}

/** `metric op number`. */
export interface RuleCompare {
  kind: 'compare';
  /** The canonical dotted name after resolveRuleMetrics/parseRule; as written before. */
  metric: string;
  /** The metric as the user wrote it (a dotted name or a scorecard key). */
  written: string;
  op: RuleOp;
  value: number;
  /** 1-based column of the metric name in the condition text. */
  column: number;
}

export interface RuleSyntaxError {
  column: number;
  /** `column 25: expected …` — one line. */
  message: string;
}

export type RuleParseResult = { ok: true; expr: RuleExpr } | { ok: false; error: RuleSyntaxError };

type Token =
  | { t: 'word'; text: string; column: number }
  | { t: 'op'; op: RuleOp; column: number }
  | { t: '(' | ')'; column: number }
  | { t: 'end'; column: number }
  | { t: 'bad'; reason: string; column: number };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const METRIC = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const OPS: readonly RuleOp[] = ['<=', '>=', '==', '!=', '<', '>'];
const STOP = new Set(['(', ')', '<', '>', '=', '!', '&', '|']);
const OPERATORS = 'a comparison operator (<, <=, >, >=, ==, !=)';

class RuleSyntaxFailure extends Error {
  constructor(readonly column: number, readonly reason: string) {
    super(reason);
  }
}

/** Parses a condition such as `query.baseline_p99 < 5000 and p99_degradation_ratio < 3`. Syntax only. */
export function parseRuleExpression(text: string): RuleParseResult {
  try {
    return { ok: true, expr: new RuleParser(tokenize(text)).parse() };
  } catch (e) {
    if (e instanceof RuleSyntaxFailure) {
      return { ok: false, error: { column: e.column, message: `column ${e.column}: ${e.reason}` } };
    }
    throw e;
  }
}

/**
 * Replaces each metric by its canonical dotted name (scorecard keys → dotted names, SPEC §11); unknown
 * names become problems (`column 1: unknown metric "…" (did you mean "…"?); expected …`).
 */
export function resolveRuleMetrics(expr: RuleExpr, ctx: MetricNameContext): { expr: RuleExpr; problems: string[] } {
  const problems: string[] = [];
  const walk = (e: RuleExpr): RuleExpr => {
    if (e.kind !== 'compare') return { kind: e.kind, operands: e.operands.map(walk) };
    const r = resolveMetricName(e.written, ctx);
    if (!r.ok) {
      problems.push(`column ${e.column}: ${r.message}`);
      return e;
    }
    return { ...e, metric: r.metric.name };
  };
  return { expr: walk(expr), problems };
}

/** Parse and resolve in one step: the usable expression, or every problem (one syntax error, or unknown metrics). */
export function parseRule(text: string, ctx: MetricNameContext):
  { ok: true; expr: RuleExpr } | { ok: false; problems: string[] } {
  const parsed = parseRuleExpression(text);
  if (!parsed.ok) return { ok: false, problems: [parsed.error.message] };
  const resolved = resolveRuleMetrics(parsed.expr, ctx);
  return resolved.problems.length > 0 ? { ok: false, problems: resolved.problems } : { ok: true, expr: resolved.expr };
}

/** The distinct metrics an expression reads, in order of appearance. */
export function metricsOf(expr: RuleExpr): string[] {
  const out: string[] = [];
  const walk = (e: RuleExpr): void => {
    if (e.kind === 'compare') {
      if (!out.includes(e.metric)) out.push(e.metric);
    } else e.operands.forEach(walk);
  };
  walk(expr);
  return out;
}

export interface RuleEvaluation {
  value: boolean;
  /** Metrics that had no value (null or NaN), in order of appearance; each made its comparison false. */
  nullMetrics: string[];
}

/**
 * Evaluates with metric values from `lookup` (called with `RuleCompare.metric`). A comparison whose
 * metric has no value is false and is named in `nullMetrics`. Every comparison is visited (no short
 * circuit), so the reasons are complete.
 */
export function evaluate(expr: RuleExpr, lookup: (metric: string) => number | null): RuleEvaluation {
  const nullMetrics: string[] = [];
  const walk = (e: RuleExpr): boolean => {
    if (e.kind === 'compare') {
      const v = lookup(e.metric);
      if (v === null || Number.isNaN(v)) {
        if (!nullMetrics.includes(e.metric)) nullMetrics.push(e.metric);
        return false;
      }
      return compare(v, e.op, e.value);
    }
    const values = e.operands.map(walk);
    return e.kind === 'and' ? values.every(Boolean) : values.some(Boolean);
  };
  return { value: walk(expr), nullMetrics };
}

function compare(a: number, op: RuleOp, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

// ---- lexing and parsing -------------------------------------------------------------------------

/** Tokens up to the first unlexable character, which becomes a `bad` token reported only when reached. */
function tokenize(text: string): Token[] {
  const chars = Array.from(text);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    const column = i + 1;
    if (/\s/u.test(c)) {
      i += 1;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ t: c, column });
      i += 1;
      continue;
    }
    const two = c + (chars[i + 1] ?? '');
    const op = OPS.find((o) => o === two) ?? OPS.find((o) => o === c);
    if (op) {
      tokens.push({ t: 'op', op, column });
      i += op.length;
      continue;
    }
    if (STOP.has(c)) {
      const doubled = two === '&&' || two === '||';
      const shown = doubled ? two : c;
      const instead = c === '=' ? '==' : c === '!' ? '!=' : c === '&' ? 'and' : 'or';
      tokens.push({ t: 'bad', column, reason: `${JSON.stringify(shown)} is not an operator; expected ${instead}` });
      break;
    }
    const start = i;
    while (i < chars.length && !/\s/u.test(chars[i]!) && !STOP.has(chars[i]!)) i += 1;
    tokens.push({ t: 'word', text: chars.slice(start, i).join(''), column });
  }
  tokens.push({ t: 'end', column: chars.length + 1 });
  return tokens;
}

class RuleParser {
  private k = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    const t = this.tokens[this.k]!;
    if (t.t === 'bad') throw new RuleSyntaxFailure(t.column, t.reason);
    return t;
  }

  private next(): Token {
    const t = this.peek();
    this.k += 1;
    return t;
  }

  parse(): RuleExpr {
    const first = this.peek();
    if (first.t === 'end') fail(1, 'the condition is empty; expected e.g. query.baseline_p99 < 5000');
    const expr = this.or(null);
    const t = this.peek();
    if (t.t === 'end') return expr;
    if (t.t === ')') fail(t.column, 'unexpected ")" (no "(" to close)');
    const hint = t.t === 'word' && (t.text.toLowerCase() === 'and' || t.text.toLowerCase() === 'or')
      ? ` (operators are lower case: ${t.text.toLowerCase()})` : '';
    return fail(t.column, `expected "and", "or" or the end, found ${describe(t)}${hint}`);
  }

  private or(after: string | null): RuleExpr {
    const operands = [this.and(after)];
    while (isWord(this.peek(), 'or')) {
      this.next();
      operands.push(this.and('or'));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private and(after: string | null): RuleExpr {
    const operands = [this.cmp(after)];
    while (isWord(this.peek(), 'and')) {
      this.next();
      operands.push(this.cmp('and'));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private cmp(after: string | null): RuleExpr {
    const t = this.peek();
    if (t.t === '(') {
      this.next();
      const inner = this.or('(');
      const close = this.peek();
      if (close.t !== ')') fail(close.column, `expected ")" to close the "(" at column ${t.column}, found ${describe(close)}`);
      this.next();
      return inner;
    }
    const expected = `expected a metric name or "("${after ? ` after ${JSON.stringify(after)}` : ''}`;
    if (t.t !== 'word' || isWord(t, 'and') || isWord(t, 'or')) return fail(t.column, `${expected}, found ${describe(t)}`);
    if (!METRIC.test(t.text)) {
      const hint = NUMBER.test(t.text) ? ' (write the metric first, e.g. query.baseline_p99 < 5000)' : '';
      return fail(t.column, `${expected}, found ${describe(t)}${hint}`);
    }
    this.next();
    const op = this.peek();
    if (op.t !== 'op') fail(op.column, `expected ${OPERATORS} after ${JSON.stringify(t.text)}, found ${describe(op)}`);
    this.next();
    const n = this.peek();
    if (n.t !== 'word' || !NUMBER.test(n.text) || !Number.isFinite(Number(n.text))) {
      const hint = n.t === 'word' && METRIC.test(n.text) ? ' (a metric is compared with a number)' : '';
      fail(n.column, `expected a number after ${JSON.stringify(op.op)}, found ${describe(n)}${hint}`);
    }
    this.next();
    return { kind: 'compare', metric: t.text, written: t.text, op: op.op, value: Number(n.text), column: t.column };
  }
}

function isWord(t: Token, word: string): boolean {
  return t.t === 'word' && t.text === word;
}

function describe(t: Token): string {
  switch (t.t) {
    case 'word': return JSON.stringify(t.text);
    case 'op': return JSON.stringify(t.op);
    case '(':
    case ')': return JSON.stringify(t.t);
    case 'end': return 'the end';
    case 'bad': return 'an invalid character';
  }
}

function fail(column: number, reason: string): never {
  throw new RuleSyntaxFailure(column, reason);
}
