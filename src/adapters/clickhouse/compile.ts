// Compiles a query (template AST or native `sql:`) to ClickHouse SQL over the HTTP interface (SPEC §7.2, §8.2),
// for 18.16 (`v18`) and current releases; values become escaped literals or variable slots. Must not do HTTP or bind values.
//
// Table and columns (shared with the ClickHouse adapter's DDL):
// - table: config `table`, else clickhouseTableName(index) (`-`/`.` → `_`), quoted by quoteTableName;
// - a field is the column of the same name, quoted with backticks (dotted names stay flat: `kubernetes.pod_name`);
// - the timestamp field is a DateTime column of the same name plus `<name>_ms` (UInt64 unix ms, timestampMsColumn);
// - keyword, text and ip are String columns, int Int32, long Int64, float Float64, boolean UInt8 (1/0); any of
//   them may be Nullable — a missing value never matches a clause, as in OpenSearch, and NOT keeps such rows.
//
// Reading hits from the `FORMAT JSON` answer (the execute side needs no second query):
// - search: `rows_before_limit_at_least` (every search has LIMIT and ORDER BY: the ORDER BY makes ClickHouse read
//   every matching row, so the figure is exact on 18.16; current releases also get `exact_rows_before_limit = 1`);
// - aggregation: `totals.doc_count` (a string: UInt64 is quoted in JSON), all rows matching filter and time range;
// - native: `rows_before_limit_at_least` when present, else `rows`.

import { CLICKHOUSE_NATIVE_SQL, nativeSqlParts } from '../native-sql.js';
import { isIP } from 'node:net';
import { TargetError } from '../../core/errors.js';
import type { FieldType } from '../../scenario/schema.js';
import type { ResolvedQuery } from '../../scenario/resolved.js';
import type {
  AggregationTemplate, Bucket, ClauseNode, Metric, RangeBound, SearchNode, SearchTemplate,
} from '../../scenario/query-template/index.js';
import { parseTemplate } from '../../scenario/query-template/index.js';
import type { CompiledQuery, SqlPart, StreamContext } from '../types.js';

export type ClickHouseDialect = 'v18' | 'current';

export interface ClickHouseCompileOptions {
  /** The table queried, unquoted (config `table`, or clickhouseTableName(index)). */
  table: string;
  dialect: ClickHouseDialect;
  /** The millisecond column of the timestamp field; default timestampMsColumn(stream.timestampField). */
  timestampMsColumn?: string;
}

/** Rows returned by a search without `limit`: OpenSearch's default `size`, so every target returns as many. */
export const DEFAULT_SEARCH_LIMIT = 10;
/** Buckets of `terms(f)` without `size=`: OpenSearch's default terms size. */
export const DEFAULT_TERMS_SIZE = 10;
/** The error class of a query that cannot be compiled (a template the load-time checks should have refused). */
export const BAD_QUERY = 'bad_query';

/** The default table name of a stream: its index name with `-` and `.` replaced by `_`. */
export function clickhouseTableName(index: string): string {
  return index.replace(/[-.]/g, '_');
}

/** The millisecond column that accompanies the timestamp field's DateTime column. */
export function timestampMsColumn(timestampField: string): string {
  return `${timestampField}_ms`;
}

/** A backtick-quoted identifier; backslash, backtick and control characters escaped. */
export function quoteIdent(name: string): string {
  return `\`${escapeChars(name, '`')}\``;
}

/** `db.table` (two plain identifiers) is quoted as database and table; any other name as one identifier. */
export function quoteTableName(table: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(table);
  return m ? `${quoteIdent(m[1]!)}.${quoteIdent(m[2]!)}` : quoteIdent(table);
}

/**
 * A ClickHouse string literal: quotes and backslashes escaped, control characters as `\n`, `\t`, `\xHH`…, so no value
 * can end the literal (or a `--` comment around it). Everything else, unicode included, is kept as is.
 */
export function clickhouseStringLiteral(value: string): string {
  return `'${escapeChars(value, "'")}'`;
}

function escapeChars(s: string, quote: "'" | '`'): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\0') out += '\\0';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** Compiles one query for ClickHouse. Throws a TargetError (class `bad_query`) for a query it cannot express. */
export function compileClickHouse(q: ResolvedQuery, stream: StreamContext | null, opts: ClickHouseCompileOptions): CompiledQuery {
  if (q.type === 'dsl') fail(q, 'is a native dsl query; ClickHouse speaks SQL (type: sql or a template)');
  if (q.type === 'sql') {
    if (q.sql === null) fail(q, 'is type: sql but has no SQL text');
    const parts = nativeSqlParts(q.sql, CLICKHOUSE_NATIVE_SQL, (what) => fail(q, what));
    return compiled(q, 'native', q.index, parts);
  }
  if (q.template === null) fail(q, `is type: ${q.type} but has no template`);
  if (stream === null) fail(q, 'is a template query without a stream; expected the stream whose schema it uses');
  const parsed = parseTemplate(q.type, q.template);
  if (!parsed.ok) fail(q, `has a template that does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const ctx = new SqlContext(q, stream, opts);
  const parts = parsed.template.kind === 'search' ? searchSql(parsed.template, ctx) : aggregationSql(parsed.template, ctx);
  return compiled(q, parsed.template.kind, opts.table, parts);
}

function compiled(q: ResolvedQuery, kind: CompiledQuery['kind'], index: string | null, frag: Frag): CompiledQuery {
  const parts = mergeText(frag);
  const variables: string[] = [];
  for (const p of parts) if ('variable' in p && !variables.includes(p.variable)) variables.push(p.variable);
  return { name: q.name, kind, stream: q.stream, index, timeoutMs: q.timeoutMs, variables, compiled: { language: 'sql', parts } };
}

function fail(q: ResolvedQuery, what: string): never {
  throw new TargetError(BAD_QUERY, `query ${JSON.stringify(q.name)} ${what}`);
}

// ---- SQL fragments ------------------------------------------------------------------------------

/** A piece of SQL: text and variable slots, in order. */
type Frag = SqlPart[];

const t = (text: string): Frag => [{ text }];
const cat = (...frags: Frag[]): Frag => frags.flat();
const joined = (frags: Frag[], sep: string): Frag => frags.flatMap((f, i) => (i === 0 ? f : [{ text: sep }, ...f]));

function mergeText(frag: Frag): SqlPart[] {
  const out: SqlPart[] = [];
  for (const p of frag) {
    const last = out[out.length - 1];
    if ('text' in p && last && 'text' in last) out[out.length - 1] = { text: last.text + p.text };
    else if (!('text' in p) || p.text !== '') out.push(p);
  }
  return out;
}

class SqlContext {
  readonly types: Map<string, FieldType>;
  readonly table: string;
  readonly msColumn: string;
  /** Column names and aliases in use: a new alias must differ from all (ClickHouse resolves aliases in WHERE). */
  private readonly taken: Set<string>;

  constructor(readonly q: ResolvedQuery, readonly stream: StreamContext, readonly opts: ClickHouseCompileOptions) {
    this.types = new Map(stream.fields.map((f) => [f.name, f.type]));
    this.table = quoteTableName(opts.table);
    this.msColumn = opts.timestampMsColumn ?? timestampMsColumn(stream.timestampField);
    this.taken = new Set([...this.types.keys(), this.msColumn]);
  }

  typeOf(field: string): FieldType {
    const type = this.types.get(field);
    if (type === undefined) fail(this.q, `uses field ${JSON.stringify(field)}, which is not in the schema of stream ${JSON.stringify(this.stream.name)}`);
    return type;
  }

  alias(base: string): string {
    let name = base;
    while (this.taken.has(name)) name += '_';
    this.taken.add(name);
    return name;
  }
}

// ---- search conditions --------------------------------------------------------------------------

function condition(node: SearchNode, ctx: SqlContext): Frag {
  switch (node.kind) {
    case 'match_all':
      return t('1');
    case 'and':
    case 'or':
      return joined(node.operands.map((o) => (o.kind === 'and' || o.kind === 'or' ? cat(t('('), condition(o, ctx), t(')')) : condition(o, ctx))),
        node.kind === 'and' ? ' AND ' : ' OR ');
    case 'not':
      // A clause on a NULL value is NULL; ifNull makes it false first, so NOT keeps rows without the field.
      return cat(t('NOT ifNull('), condition(node.operand, ctx), t(', 0)'));
    case 'clause':
      return clause(node, ctx);
  }
}

function clause(c: ClauseNode, ctx: SqlContext): Frag {
  const type = ctx.typeOf(c.field);
  const col = quoteIdent(c.field);
  const v = c.value;
  const bad = (what: string): never => fail(ctx.q, `${what} on ${type} field ${JSON.stringify(c.field)}`);
  switch (v.kind) {
    case 'variable': {
      const slot = (as: 'string' | 'number'): Frag => [{ variable: v.name, as }];
      switch (type) {
        case 'keyword':
        case 'ip':
          return cat(t(`${col} = `), slot('string'));
        case 'text':
          return cat(t(`positionCaseInsensitiveUTF8(${col}, `), slot('string'), t(') > 0'));
        case 'int':
        case 'long':
        case 'float':
          return cat(t(`${col} = `), slot('number'));
        case 'boolean':
          return cat(t(`${col} = (`), slot('string'), t(" = 'true')"));
        case 'timestamp':
          return cat(t(`${col} = parseDateTimeBestEffort(`), slot('string'), t(')'));
      }
      return bad('a variable');
    }
    case 'term':
    case 'phrase': {
      const lit = clickhouseStringLiteral(v.text);
      switch (type) {
        case 'keyword':
          return t(`${col} = ${lit}`);
        case 'text':
          return t(`positionCaseInsensitiveUTF8(${col}, ${lit}) > 0`);
        case 'int':
        case 'long':
        case 'float':
          return t(`${col} = ${numberLiteral(v.text) ?? bad(`the value ${JSON.stringify(v.text)} (not a number)`)}`);
        case 'boolean':
          if (v.text !== 'true' && v.text !== 'false') bad(`the value ${JSON.stringify(v.text)} (not true or false)`);
          return t(`${col} = ${v.text === 'true' ? 1 : 0}`);
        case 'ip':
          return ipCondition(col, v.text) ?? bad(`the value ${JSON.stringify(v.text)} (not an IP address or CIDR block)`);
        case 'timestamp':
          return bad('an exact match');
      }
      return bad('a term');
    }
    case 'wildcard': {
      if (type !== 'keyword' && type !== 'text') return bad(`the wildcard ${JSON.stringify(v.pattern)}`);
      const inner = /^\*([^*?]+)\*$/.exec(v.pattern);
      if (type === 'text' && inner) return t(`positionCaseInsensitiveUTF8(${col}, ${clickhouseStringLiteral(inner[1]!)}) > 0`);
      const pattern = clickhouseStringLiteral(likePattern(v.pattern));
      // Case-insensitive on keyword and text alike, as OpenSearch's wildcard with case_insensitive: true (§8.3).
      return t(`lowerUTF8(${col}) LIKE lowerUTF8(${pattern})`);
    }
    case 'compare': {
      if (!isNumeric(type) && type !== 'timestamp') return bad(`"${v.op}"`);
      return t(`${type === 'timestamp' ? quoteIdent(ctx.msColumn) : col} ${v.op} ${numberText(v.value)}`);
    }
    case 'range': {
      if (!isNumeric(type) && type !== 'timestamp') return bad('a range');
      const target = type === 'timestamp' ? quoteIdent(ctx.msColumn) : col;
      const lo = boundNumber(v.from, ctx);
      const hi = boundNumber(v.to, ctx);
      if (lo === null && hi === null) return t(`isNotNull(${target})`);
      if (hi === null) return t(`${target} >= ${lo}`);
      if (lo === null) return t(`${target} <= ${hi}`);
      return t(`(${target} >= ${lo} AND ${target} <= ${hi})`);
    }
  }
}

function isNumeric(type: FieldType): boolean {
  return type === 'int' || type === 'long' || type === 'float';
}

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number written in a template, as SQL: integers digit for digit (Int64 keeps its precision), others normalised. */
function numberLiteral(text: string): string | null {
  if (!NUMBER_TEXT.test(text) || !Number.isFinite(Number(text))) return null;
  const plain = text.replace(/^\+/, '');
  return /^-?\d+$/.test(plain) ? plain : numberText(Number(text));
}

function numberText(n: number): string {
  return String(n);
}

/** A range bound as a number: numbers as written, dates as unix milliseconds (UTC when no offset is written). */
function boundNumber(b: RangeBound, ctx: SqlContext): string | null {
  if (b.kind === 'unbounded') return null;
  if (b.kind === 'number') return numberText(b.value);
  const ms = isoMillis(b.text);
  if (ms === null) fail(ctx.q, `has a range bound ${JSON.stringify(b.text)} that is not a date`);
  return String(ms);
}

/** Unix ms of an ISO-8601 date; a date-time without an offset is UTC (as OpenSearch reads it). */
export function isoMillis(text: string): number | null {
  const utc = /T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text;
  const ms = Date.parse(utc);
  return Number.isNaN(ms) ? null : ms;
}

/** A template wildcard as a LIKE pattern: `*` → `%`, `?` → `_`; literal `%`, `_` and `\` escaped with `\`. */
export function likePattern(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '*') out += '%';
    else if (ch === '?') out += '_';
    else if (ch === '%' || ch === '_' || ch === '\\') out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/** `ip:10.0.0.1` → text equality; a CIDR block → a range of IPv4StringToNum, or of hex(IPv6StringToNum) for IPv6. */
function ipCondition(col: string, text: string): Frag | null {
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (isIP(text) === 4) return t(`${col} = ${clickhouseStringLiteral(text)}`);
    if (isIP(text) === 6) return t(`IPv6StringToNum(${col}) = IPv6StringToNum(${clickhouseStringLiteral(text)})`);
    return null;
  }
  const address = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return null;
  const bits = Number(bitsText);
  const bytes = isIP(address) === 4 ? address.split('.').map(Number) : isIP(address) === 6 ? ipv6Bytes(address) : null;
  if (bytes === null || bits > bytes.length * 8) return null;
  const lo = bytes.map((b, i) => b & maskByte(bits - 8 * i));
  const hi = bytes.map((b, i) => (b & maskByte(bits - 8 * i)) | (~maskByte(bits - 8 * i) & 0xff));
  if (bytes.length === 4) {
    const num = (bs: number[]) => bs.reduce((a, b) => a * 256 + b, 0);
    return t(`IPv4StringToNum(${col}) BETWEEN ${num(lo)} AND ${num(hi)}`);
  }
  const hex = (bs: number[]) => clickhouseStringLiteral(bs.map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase());
  return t(`hex(IPv6StringToNum(${col})) BETWEEN ${hex(lo)} AND ${hex(hi)}`);
}

/** The mask of one byte whose first `bits` bits (clamped to 0…8) belong to the prefix. */
function maskByte(bits: number): number {
  const b = Math.max(0, Math.min(8, bits));
  return (0xff << (8 - b)) & 0xff;
}

/** The 16 bytes of a valid IPv6 address (`::` and a dotted IPv4 tail allowed). */
function ipv6Bytes(address: string): number[] {
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const gap = text.indexOf('::');
  const left = words(gap < 0 ? text : text.slice(0, gap));
  const right = gap < 0 ? [] : words(text.slice(gap + 2));
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right].flatMap((w) => [w >> 8, w & 0xff]);
}

// ---- searches -----------------------------------------------------------------------------------

const INTERVAL_UNITS = { s: 'SECOND', m: 'MINUTE', h: 'HOUR', d: 'DAY' } as const;

/** The WHERE condition: the template's filter and the query's time_range (on the DateTime column: index-friendly). */
function whereClause(filter: SearchNode, ctx: SqlContext): Frag {
  const conds: Frag[] = [];
  if (filter.kind !== 'match_all') conds.push(filter.kind === 'or' && ctx.q.timeRange !== null ? cat(t('('), condition(filter, ctx), t(')')) : condition(filter, ctx));
  if (ctx.q.timeRange !== null) {
    const m = /^([1-9][0-9]*)([smhd])$/.exec(ctx.q.timeRange);
    if (!m) fail(ctx.q, `has time_range ${JSON.stringify(ctx.q.timeRange)}; expected a whole number and s, m, h or d, e.g. 15m`);
    const unit = INTERVAL_UNITS[m[2] as keyof typeof INTERVAL_UNITS];
    conds.push(t(`${quoteIdent(ctx.stream.timestampField)} >= now() - INTERVAL ${m[1]} ${unit}`));
  }
  return conds.length === 0 ? t('1') : joined(conds, ' AND ');
}

function searchSql(template: SearchTemplate, ctx: SqlContext): Frag {
  const sort = ctx.q.sort ?? { field: ctx.stream.timestampField, order: 'desc' as const };
  const sortType = ctx.typeOf(sort.field);
  const sortColumn = sortType === 'timestamp' && sort.field === ctx.stream.timestampField ? quoteIdent(ctx.msColumn) : quoteIdent(sort.field);
  const limit = ctx.q.limit ?? DEFAULT_SEARCH_LIMIT;
  const settings = ctx.opts.dialect === 'current' ? ' SETTINGS exact_rows_before_limit = 1' : '';
  return cat(t(`SELECT * FROM ${ctx.table} WHERE `), whereClause(template.query, ctx),
    t(` ORDER BY ${sortColumn} ${sort.order.toUpperCase()} LIMIT ${limit}${settings} FORMAT JSON`));
}

// ---- aggregations -------------------------------------------------------------------------------

interface Level {
  bucket: Bucket;
  /** The SELECT item (`col`, or `expr AS alias`). */
  select: string;
  /** How GROUP BY / ORDER BY / HAVING refer to it. */
  ref: string;
  /** Terms keys may be NULL (no value): excluded, as OpenSearch's terms does. */
  nullable: boolean;
}

function levelOf(b: Bucket, ctx: SqlContext): Level {
  const type = ctx.typeOf(b.field);
  const col = quoteIdent(b.field);
  if (b.kind === 'terms') {
    if (type === 'text') fail(ctx.q, `buckets text field ${JSON.stringify(b.field)} with terms; expected a keyword, number, ip, boolean or timestamp field`);
    return { bucket: b, select: col, ref: col, nullable: true };
  }
  if (type !== 'timestamp') fail(ctx.q, `has date_histogram on ${type} field ${JSON.stringify(b.field)}; expected a timestamp field`);
  const alias = quoteIdent(ctx.alias(`${b.field}_bucket`));
  return { bucket: b, select: `${histogramExpr(col, b.interval.value, b.interval.unit, b.interval.seconds, ctx.opts.dialect)} AS ${alias}`, ref: alias, nullable: false };
}

/** The start of a fixed interval, aligned to the unix epoch. 18.16 has no toStartOfInterval. */
function histogramExpr(col: string, value: number, unit: 's' | 'm' | 'h', seconds: number, dialect: ClickHouseDialect): string {
  if (dialect === 'v18') return `toDateTime(intDiv(toUInt32(${col}), ${seconds}) * ${seconds})`;
  if (value === 1 && unit === 'm') return `toStartOfMinute(${col})`;
  return `toStartOfInterval(${col}, INTERVAL ${value} ${INTERVAL_UNITS[unit]})`;
}

function metricSql(m: Metric, ctx: SqlContext, alias: string): string | null {
  if (m.kind === 'count') return null;
  const type = ctx.typeOf(m.field);
  if (!isNumeric(type)) fail(ctx.q, `computes ${m.kind} on ${type} field ${JSON.stringify(m.field)}; expected an int, long or float field`);
  const col = quoteIdent(m.field);
  const fn = m.kind === 'percentile' ? `quantile(${percentFraction(m.p)})` : m.kind;
  return `${fn}(${col}) AS ${quoteIdent(alias)}`;
}

/** p / 100 as exact decimal text (99.9 → 0.999, never 0.9990000000000001). */
export function percentFraction(p: number): string {
  const [mantissa, exponent] = String(p).split('e') as [string, string | undefined];
  const [int, frac = ''] = mantissa.split('.') as [string, string | undefined];
  const digits = int + frac;
  const point = int.length + Number(exponent ?? 0) - 2;
  let text = point <= 0 ? `0.${'0'.repeat(-point)}${digits}`
    : point >= digits.length ? digits + '0'.repeat(point - digits.length)
      : `${digits.slice(0, point)}.${digits.slice(point)}`;
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  text = text.replace(/^0+(?=\d)/, '');
  return text;
}

/**
 * `GROUP BY` every bucket key `WITH TOTALS` (totals.doc_count = matching rows = hits). Terms order by doc_count
 * desc then key asc, like OpenSearch: the innermost terms keeps its top N per outer key with `LIMIT N BY`; an outer
 * terms keeps its top N keys through `HAVING key IN (subquery)` (one more scan, exact). Empty histogram buckets
 * are absent (OpenSearch returns them with doc_count 0).
 */
function aggregationSql(template: AggregationTemplate, ctx: SqlContext): Frag {
  const docCount = ctx.alias('doc_count');
  const valueAlias = template.metric.kind === 'count' ? '' : ctx.alias('value');
  const levels = template.buckets.map((b) => levelOf(b, ctx));
  if (levels.length === 0) fail(ctx.q, 'has no bucket; expected aggregate: terms(field) or date_histogram(field, interval=1m)');
  const metric = metricSql(template.metric, ctx, valueAlias);
  const where = whereClause(template.filter, ctx);
  const refs = levels.map((l) => l.ref);
  const select = [...levels.map((l) => l.select), `count() AS ${quoteIdent(docCount)}`, ...(metric ? [metric] : [])];

  const having: Frag[] = levels.filter((l) => l.nullable).map((l) => t(`isNotNull(${l.ref})`));
  levels.forEach((l, i) => {
    if (i < levels.length - 1 && l.bucket.kind === 'terms') {
      having.push(topKeys(levels.slice(0, i + 1), l.bucket.size ?? DEFAULT_TERMS_SIZE, where, ctx));
    }
  });

  const last = levels[levels.length - 1]!;
  const outer = refs.slice(0, -1);
  const order = [...outer.map((r) => `${r} ASC`)];
  let limit = '';
  if (last.bucket.kind === 'terms') {
    order.push(`${quoteIdent(docCount)} DESC`, `${last.ref} ASC`);
    limit = ` LIMIT ${last.bucket.size ?? DEFAULT_TERMS_SIZE}${outer.length > 0 ? ` BY ${outer.join(', ')}` : ''}`;
  } else {
    order.push(`${last.ref} ASC`);
  }
  const havingSql = having.length > 0 ? cat(t(' HAVING '), joined(having, ' AND ')) : t('');
  // Without this setting, WITH TOTALS would leave out the rows of groups that HAVING drops.
  const settings = having.length > 0 ? " SETTINGS totals_mode = 'before_having'" : '';
  return cat(t(`SELECT ${select.join(', ')} FROM ${ctx.table} WHERE `), where,
    t(` GROUP BY ${refs.join(', ')} WITH TOTALS`), havingSql,
    t(` ORDER BY ${order.join(', ')}${limit}${settings} FORMAT JSON`));
}

/** `key IN (…)` / `(k1, …, key) IN (…)`: the top N keys of the last level per key of the levels before it. */
function topKeys(levels: Level[], size: number, where: Frag, ctx: SqlContext): Frag {
  const last = levels[levels.length - 1]!;
  const refs = levels.map((l) => l.ref);
  const outer = refs.slice(0, -1);
  const notNull = levels.filter((l) => l.nullable).map((l) => `isNotNull(${l.ref})`);
  const order = [...outer.map((r) => `${r} ASC`), 'count() DESC', `${last.ref} ASC`];
  const keys = refs.length === 1 ? refs[0]! : `(${refs.join(', ')})`;
  return cat(t(`${keys} IN (SELECT ${levels.map((l) => l.select).join(', ')} FROM ${ctx.table} WHERE `), where,
    t(` GROUP BY ${refs.join(', ')}${notNull.length > 0 ? ` HAVING ${notNull.join(' AND ')}` : ''}`
      + ` ORDER BY ${order.join(', ')} LIMIT ${size}${outer.length > 0 ? ` BY ${outer.join(', ')}` : ''})`));
}


