// Compiles a query (template AST or native `dsl:`) to an OpenSearch/Elasticsearch `_search` body per the SPEC §8.3
// table, shared by OpenSearch, Elasticsearch and Mach5 (§8.4); variables become `$ibVar` markers. Must not do HTTP or bind values.

import { TargetError } from '../../core/errors.js';
import type { FieldType } from '../../scenario/schema.js';
import type { ResolvedQuery } from '../../scenario/resolved.js';
import type {
  AggregationTemplate, Bucket, ClauseNode, Metric, RangeBound, SearchNode, SearchTemplate,
} from '../../scenario/query-template/index.js';
import { parseTemplate } from '../../scenario/query-template/index.js';
import { DSL_TEXT_KEY, DSL_VAR_KEY, dslVar, type DslVarMarker } from '../bind.js';
import type { CompiledQuery, StreamContext } from '../types.js';

export interface DslCompileOptions {
  /** Searches and aggregations send `"track_total_hits": true` so hits are exact beyond 10 000 (default true). */
  trackTotalHits?: boolean;
}

/** The error class of a query that cannot be compiled (a template the load-time checks should have refused). */
export const BAD_QUERY = 'bad_query';

type Json = unknown;
type JsonObject = Record<string, Json>;

/**
 * Compiles one query to `POST /{index}/_search` with the returned body. The index is the query's `index:` or the
 * stream's. Throws a TargetError (class `bad_query`) for a query it cannot express.
 */
export function compileDsl(q: ResolvedQuery, stream: StreamContext | null, opts: DslCompileOptions = {}): CompiledQuery {
  const index = q.index ?? stream?.index ?? null;
  if (index === null || index === '') fail(q, 'names no index; expected index: naming the index to search');
  if (q.type === 'sql') fail(q, 'is a native sql query; this target speaks the Query DSL (type: dsl or a template)');
  if (q.type === 'dsl') {
    if (q.dsl === null) fail(q, 'is type: dsl but has no dsl body');
    const variables: string[] = [];
    const body = nativeBody(q, q.dsl, variables);
    return compiled(q, 'native', index, body, variables);
  }
  if (q.template === null) fail(q, `is type: ${q.type} but has no template`);
  if (stream === null) fail(q, 'is a template query without a stream; expected the stream whose schema it uses');
  const parsed = parseTemplate(q.type, q.template);
  if (!parsed.ok) fail(q, `has a template that does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const ctx = new DslContext(q, stream);
  const body = parsed.template.kind === 'search'
    ? searchBody(parsed.template, ctx, opts.trackTotalHits ?? true)
    : aggregationBody(parsed.template, ctx, opts.trackTotalHits ?? true);
  return compiled(q, parsed.template.kind, index, body, ctx.variables);
}

function compiled(q: ResolvedQuery, kind: CompiledQuery['kind'], index: string, body: JsonObject, variables: string[]): CompiledQuery {
  return { name: q.name, kind, stream: q.stream, index, timeoutMs: q.timeoutMs, variables,
    compiled: { language: 'dsl', index, body } };
}

function fail(q: ResolvedQuery, what: string): never {
  throw new TargetError(BAD_QUERY, `query ${JSON.stringify(q.name)} ${what}`);
}

class DslContext {
  readonly types: Map<string, FieldType>;
  /** Variables in order of first use. */
  readonly variables: string[] = [];

  constructor(readonly q: ResolvedQuery, readonly stream: StreamContext) {
    this.types = new Map(stream.fields.map((f) => [f.name, f.type]));
  }

  typeOf(field: string): FieldType {
    const type = this.types.get(field);
    if (type === undefined) fail(this.q, `uses field ${JSON.stringify(field)}, which is not in the schema of stream ${JSON.stringify(this.stream.name)}`);
    return type;
  }

  variable(name: string, as: 'string' | 'number'): DslVarMarker {
    if (!this.variables.includes(name)) this.variables.push(name);
    return dslVar(name, as);
  }
}

// ---- queries ------------------------------------------------------------------------------------

function query(node: SearchNode, ctx: DslContext): JsonObject {
  switch (node.kind) {
    case 'match_all':
      return { match_all: {} };
    case 'and':
      return { bool: { filter: node.operands.map((o) => query(o, ctx)) } };
    case 'or':
      return { bool: { should: node.operands.map((o) => query(o, ctx)), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [query(node.operand, ctx)] } };
    case 'clause':
      return clause(node, ctx);
  }
}

function clause(c: ClauseNode, ctx: DslContext): JsonObject {
  const type = ctx.typeOf(c.field);
  const f = c.field;
  const v = c.value;
  const bad = (what: string): never => fail(ctx.q, `${what} on ${type} field ${JSON.stringify(f)}`);
  switch (v.kind) {
    case 'variable':
      if (type === 'text') return { match: { [f]: ctx.variable(v.name, 'string') } };
      return { term: { [f]: ctx.variable(v.name, isNumeric(type) ? 'number' : 'string') } };
    case 'term':
    case 'phrase':
      if (type === 'text') return v.kind === 'term' ? { match: { [f]: v.text } } : { match_phrase: { [f]: v.text } };
      if (type === 'timestamp') return bad('an exact match');
      return { term: { [f]: termValue(type, v.text) ?? bad(`the value ${JSON.stringify(v.text)}`) } };
    case 'wildcard':
      if (type !== 'keyword' && type !== 'text') return bad(`the wildcard ${JSON.stringify(v.pattern)}`);
      // The template has no escapes: a backslash is literal, so it is escaped for Lucene's wildcard syntax.
      return { wildcard: { [f]: { value: v.pattern.replace(/\\/g, '\\\\'), case_insensitive: true } } };
    case 'compare': {
      if (!isNumeric(type) && type !== 'timestamp') return bad(`"${v.op}"`);
      const op = { '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' }[v.op];
      return { range: { [f]: { [op]: v.value } } };
    }
    case 'range': {
      if (!isNumeric(type) && type !== 'timestamp') return bad('a range');
      const bounds: JsonObject = {};
      const from = boundValue(v.from);
      const to = boundValue(v.to);
      if (from !== null) bounds.gte = from;
      if (to !== null) bounds.lte = to;
      return { range: { [f]: bounds } };
    }
  }
}

function isNumeric(type: FieldType): boolean {
  return type === 'int' || type === 'long' || type === 'float';
}

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A term's JSON value for the field type: numbers as numbers (integers beyond 2^53 as their digits), booleans as booleans. */
function termValue(type: FieldType, text: string): Json | null {
  if (isNumeric(type)) {
    if (!NUMBER_TEXT.test(text) || !Number.isFinite(Number(text))) return null;
    const n = Number(text);
    return Number.isInteger(n) && !Number.isSafeInteger(n) && /^[+-]?\d+$/.test(text) ? text.replace(/^\+/, '') : n;
  }
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : null;
  return text;
}

/** Numbers as numbers; dates as written (the field's format parses them). */
function boundValue(b: RangeBound): Json | null {
  return b.kind === 'unbounded' ? null : b.kind === 'number' ? b.value : b.text;
}

/** The template's query, with the query's time_range as one more filter (`now-15m`). */
function filteredQuery(filter: SearchNode, ctx: DslContext): JsonObject {
  const q = query(filter, ctx);
  if (ctx.q.timeRange === null) return q;
  if (!/^[1-9][0-9]*[smhd]$/.test(ctx.q.timeRange)) {
    fail(ctx.q, `has time_range ${JSON.stringify(ctx.q.timeRange)}; expected a whole number and s, m, h or d, e.g. 15m`);
  }
  const range = { range: { [ctx.stream.timestampField]: { gte: `now-${ctx.q.timeRange}` } } };
  if (filter.kind === 'match_all') return { bool: { filter: [range] } };
  if (filter.kind === 'and') return { bool: { filter: [...(q.bool as { filter: Json[] }).filter, range] } };
  return { bool: { filter: [q, range] } };
}

function searchBody(template: SearchTemplate, ctx: DslContext, trackTotalHits: boolean): JsonObject {
  const body: JsonObject = { query: filteredQuery(template.query, ctx) };
  if (ctx.q.sort !== null) {
    ctx.typeOf(ctx.q.sort.field);
    body.sort = [{ [ctx.q.sort.field]: { order: ctx.q.sort.order } }];
  }
  if (ctx.q.limit !== null) body.size = ctx.q.limit;
  if (trackTotalHits) body.track_total_hits = true;
  return body;
}

// ---- aggregations -------------------------------------------------------------------------------

/**
 * `"size": 0`, the filter as query, and one named aggregation per bucket, each nested under the previous one's
 * `"aggs"`; the metric sits in the innermost bucket (count() needs none: every bucket has `doc_count`). Names
 * echo the template: `terms(service)`, `date_histogram(@timestamp)`, `avg(response_time_ms)`, `percentile(f, 99)`.
 */
function aggregationBody(template: AggregationTemplate, ctx: DslContext, trackTotalHits: boolean): JsonObject {
  if (template.buckets.length === 0) fail(ctx.q, 'has no bucket; expected aggregate: terms(field) or date_histogram(field, interval=1m)');
  let inner: JsonObject | null = metricAgg(template.metric, ctx);
  for (const b of [...template.buckets].reverse()) {
    const agg = bucketAgg(b, ctx);
    if (inner !== null) agg.aggs = inner;
    inner = { [bucketName(b)]: agg };
  }
  const body: JsonObject = { size: 0, query: filteredQuery(template.filter, ctx), aggs: inner };
  // The hit count of an aggregation is recorded too: exact beyond 10 000, like ClickHouse's.
  if (trackTotalHits) body.track_total_hits = true;
  return body;
}

function bucketName(b: Bucket): string {
  return `${b.kind}(${b.field})`;
}

function bucketAgg(b: Bucket, ctx: DslContext): JsonObject {
  const type = ctx.typeOf(b.field);
  if (b.kind === 'terms') {
    if (type === 'text') fail(ctx.q, `buckets text field ${JSON.stringify(b.field)} with terms; expected a keyword, number, ip, boolean or timestamp field`);
    return { terms: b.size === null ? { field: b.field } : { field: b.field, size: b.size } };
  }
  if (type !== 'timestamp') fail(ctx.q, `has date_histogram on ${type} field ${JSON.stringify(b.field)}; expected a timestamp field`);
  return { date_histogram: { field: b.field, fixed_interval: `${b.interval.value}${b.interval.unit}` } };
}

function metricAgg(m: Metric, ctx: DslContext): JsonObject | null {
  if (m.kind === 'count') return null;
  const type = ctx.typeOf(m.field);
  if (!isNumeric(type)) fail(ctx.q, `computes ${m.kind} on ${type} field ${JSON.stringify(m.field)}; expected an int, long or float field`);
  if (m.kind === 'percentile') return { [`percentile(${m.field}, ${m.p})`]: { percentiles: { field: m.field, percents: [m.p] } } };
  return { [`${m.kind}(${m.field})`]: { [m.kind]: { field: m.field } } };
}

// ---- native DSL ---------------------------------------------------------------------------------

const placeholder = (flags: 'g' | '') => new RegExp(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/.source, flags);
const WHOLE = new RegExp(`^${placeholder('').source}$`);

/**
 * The `dsl:` body as written, with each string holding `{{var}}` turned into a marker: a string that is only the
 * placeholder → a string `$ibVar` marker, other text → a `$ibText` marker. Placeholders in keys, and the marker
 * keys themselves, are refused (they could not be bound, or would be mistaken for markers).
 */
function nativeBody(q: ResolvedQuery, value: Json, variables: string[]): JsonObject {
  const use = (name: string) => {
    if (!variables.includes(name)) variables.push(name);
    return dslVar(name, 'string');
  };
  const walk = (x: Json): Json => {
    if (typeof x === 'string') {
      const whole = WHOLE.exec(x);
      if (whole) return use(whole[1]!);
      if (!placeholder('').test(x)) return x;
      const pieces: (string | DslVarMarker)[] = [];
      let from = 0;
      for (const m of x.matchAll(placeholder('g'))) {
        if (m.index > from) pieces.push(x.slice(from, m.index));
        pieces.push(use(m[1]!));
        from = m.index + m[0].length;
      }
      if (from < x.length) pieces.push(x.slice(from));
      return { [DSL_TEXT_KEY]: pieces };
    }
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== 'object') return x;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(x as JsonObject)) {
      if (k === DSL_VAR_KEY || k === DSL_TEXT_KEY) fail(q, `has the key ${JSON.stringify(k)} in its dsl, which is reserved for variables; expected ordinary Query DSL keys`);
      if (placeholder('').test(k)) fail(q, `has a {{variable}} in the key ${JSON.stringify(k)}; expected variables in values only`);
      out[k] = walk(v);
    }
    return out;
  };
  return walk(value) as JsonObject;
}
