// Parser of the `aggregate:` part of an aggregation template (SPEC §7.2):
// bucket ( ">" bucket )* [ ">" metric ]. Must not look at the schema (checkTemplate does).

import type { Bucket, Interval, Metric, SourcePos } from './ast.js';
import { parseNumber } from './search-parser.js';
import { didYouMean, oneOf } from '../suggest.js';
import { TemplateSyntaxFailure, describeText } from './template-error.js';

type Token = { t: 'name' | '(' | ')' | ',' | '=' | '>' | 'end'; text: string | null; pos: SourcePos };

const BUCKETS = ['terms', 'date_histogram'] as const;
const FIELD_METRICS = ['avg', 'min', 'max', 'sum'] as const;
const FUNCTIONS = [...BUCKETS, 'count', ...FIELD_METRICS, 'percentile'] as const;
const PUNCT = new Set(['(', ')', ',', '=', '>']);
const INTERVAL = /^([1-9]\d*)([smh])$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** One argument as written: `field`, `99`, or `size=10`. */
interface Arg {
  name: string | null; // the key of `key=value`, null for a positional argument
  value: string;
  pos: SourcePos;
  valuePos: SourcePos;
}

interface Call {
  fn: (typeof FUNCTIONS)[number];
  args: Arg[];
  pos: SourcePos;
  close: SourcePos; // where the ")" is, for "missing argument" errors
}

export type AggregatePipeline = { buckets: Bucket[]; metric: Metric };

/** Parses the text after `aggregate:`; the first syntax error comes back with its column. */
export function parseAggregate(text: string):
  { ok: true; pipeline: AggregatePipeline } | { ok: false; pos: SourcePos; reason: string } {
  try {
    return { ok: true, pipeline: pipeline(tokenize(text)) };
  } catch (e) {
    if (e instanceof TemplateSyntaxFailure) return { ok: false, pos: e.pos, reason: e.reason };
    throw e;
  }
}

function tokenize(text: string): Token[] {
  const chars = Array.from(text);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (/\s/u.test(c)) {
      i += 1;
    } else if (PUNCT.has(c)) {
      tokens.push({ t: c as Token['t'], text: c, pos: at(i) });
      i += 1;
    } else {
      const start = i;
      while (i < chars.length && !PUNCT.has(chars[i]!) && !/\s/u.test(chars[i]!)) i += 1;
      tokens.push({ t: 'name', text: chars.slice(start, i).join(''), pos: at(start) });
    }
  }
  tokens.push({ t: 'end', text: null, pos: at(chars.length) });
  return tokens;
}

function at(index: number): SourcePos {
  return { line: 1, column: index + 1 };
}

function pipeline(tokens: Token[]): AggregatePipeline {
  let k = 0;
  const peek = () => tokens[k]!;
  const next = () => tokens[k++]!;

  const calls: Call[] = [call(peek, next, null)];
  while (peek().t === '>') {
    next();
    calls.push(call(peek, next, '">"'));
  }
  const end = peek();
  if (end.t !== 'end') fail(end.pos, `expected ">" or the end of the line, found ${describeText(end.text)}`);

  const buckets: Bucket[] = [];
  let metric: Metric | null = null;
  for (const c of calls) {
    if (metric !== null) {
      fail(c.pos, `${c.fn}() comes after the metric; a metric (count, avg, min, max, sum, percentile) must come last`);
    }
    if (c.fn === 'terms' || c.fn === 'date_histogram') buckets.push(bucket(c));
    else {
      if (buckets.length === 0) {
        fail(c.pos, `expected a bucket (terms or date_histogram) before the metric ${c.fn}(), e.g. terms(service) > ${c.fn}(…)`);
      }
      metric = metricOf(c);
    }
  }
  return { buckets, metric: metric ?? { kind: 'count' } };
}

function call(peek: () => Token, next: () => Token, after: string | null): Call {
  const name = peek();
  if (name.t !== 'name') {
    fail(name.pos, `expected an aggregation such as terms(field)${after ? ` after ${after}` : ''}, found ${describeText(name.text)}`);
  }
  next();
  const fn = FUNCTIONS.find((f) => f === name.text);
  if (fn === undefined) {
    fail(name.pos, `unknown aggregation ${JSON.stringify(name.text)}${didYouMean(name.text!, FUNCTIONS)}; expected ${oneOf(FUNCTIONS)}`);
  }
  const open = peek();
  if (open.t !== '(') fail(open.pos, `expected "(" after "${fn}", found ${describeText(open.text)}`);
  next();
  const args: Arg[] = [];
  if (peek().t !== ')') {
    for (;;) {
      const a = peek();
      if (a.t !== 'name') fail(a.pos, `expected an argument or ")" in ${fn}(…), found ${describeText(a.text)}`);
      next();
      if (peek().t === '=') {
        next();
        const v = peek();
        if (v.t !== 'name') fail(v.pos, `expected a value after "${a.text}=", found ${describeText(v.text)}`);
        next();
        args.push({ name: a.text, value: v.text!, pos: a.pos, valuePos: v.pos });
      } else args.push({ name: null, value: a.text!, pos: a.pos, valuePos: a.pos });
      const sep = peek();
      if (sep.t === ',') {
        next();
        continue;
      }
      if (sep.t === ')') break;
      fail(sep.pos, `expected "," or ")" in ${fn}(…), found ${describeText(sep.text)}`);
    }
  }
  const close = next(); // the ")"
  return { fn, args, pos: name.pos, close: close.pos };
}

function bucket(c: Call): Bucket {
  if (c.fn === 'terms') {
    const { field, named } = split(c, ['size'], 'terms(field[, size=N])');
    const sizeArg = named.get('size');
    let size: number | null = null;
    if (sizeArg) {
      size = parseNumber(sizeArg.value);
      if (size === null) fail(sizeArg.valuePos, `expected a number after "size=", found ${JSON.stringify(sizeArg.value)}`);
    }
    return { kind: 'terms', field, size, pos: c.pos };
  }
  const { field, named } = split(c, ['interval'], 'date_histogram(field, interval=<N><s|m|h>)');
  const iv = named.get('interval');
  if (!iv) fail(c.close, 'expected ", interval=<N><s|m|h>" in date_histogram(…), e.g. interval=1m');
  return { kind: 'date_histogram', field, interval: interval(iv), pos: c.pos };
}

function interval(a: Arg): Interval {
  const m = INTERVAL.exec(a.value);
  if (!m) fail(a.valuePos, `expected an interval like 30s, 1m or 1h (a whole number ≥ 1 and s, m or h), found ${JSON.stringify(a.value)}`);
  const value = Number(m[1]);
  const unit = m[2] as Interval['unit'];
  return { value, unit, seconds: value * UNIT_SECONDS[unit] };
}

function metricOf(c: Call): Metric {
  if (c.fn === 'count') {
    if (c.args.length > 0) fail(c.args[0]!.pos, `count() takes no argument, found ${JSON.stringify(c.args[0]!.value)}`);
    return { kind: 'count' };
  }
  if (c.fn === 'percentile') {
    const positional = c.args.filter((a) => a.name === null);
    const named = c.args.find((a) => a.name !== null);
    if (named) fail(named.pos, `expected percentile(field, p) without names, found "${named.name}="`);
    if (positional.length === 0) fail(c.close, 'expected a field in percentile(field, p)');
    if (positional.length === 1) fail(c.close, 'expected ", p" (the percentile, e.g. 99) in percentile(field, p)');
    if (positional.length > 2) fail(positional[2]!.pos, `expected percentile(field, p), found a third argument ${JSON.stringify(positional[2]!.value)}`);
    const p = parseNumber(positional[1]!.value);
    if (p === null) fail(positional[1]!.pos, `expected a number (the percentile, e.g. 99), found ${JSON.stringify(positional[1]!.value)}`);
    return { kind: 'percentile', field: positional[0]!.value, p, pos: c.pos };
  }
  const kind = c.fn as (typeof FIELD_METRICS)[number];
  const { field } = split(c, [], `${kind}(field)`);
  return { kind, field, pos: c.pos };
}

/** The one positional field argument and the allowed named ones, each at most once. */
function split(c: Call, allowed: string[], form: string): { field: string; named: Map<string, Arg> } {
  const named = new Map<string, Arg>();
  let field: string | null = null;
  for (const a of c.args) {
    if (a.name === null) {
      if (field !== null) fail(a.pos, `expected ${form}, found a second field ${JSON.stringify(a.value)}`);
      if (named.size > 0) fail(a.pos, `the field comes first in ${form}`);
      field = a.value;
    } else if (!allowed.includes(a.name)) {
      fail(a.pos, `unknown argument ${JSON.stringify(a.name)}${didYouMean(a.name, allowed)}; expected ${form}`);
    } else if (named.has(a.name)) {
      fail(a.pos, `${a.name}= is given twice; expected ${form}`);
    } else named.set(a.name, a);
  }
  if (field === null) fail(c.args[0]?.pos ?? c.close, `expected a field in ${form}`);
  return { field, named };
}

function fail(pos: SourcePos, reason: string): never {
  throw new TemplateSyntaxFailure(pos, reason);
}
