// The typed AST of query templates (SPEC §7.2): search trees and aggregation pipelines, as parsed.
// Must not hold target-specific meaning (compilation to SQL/DSL lives in the query runner).

/** 1-based position inside one template part (the search, or the text after `filter:` / `aggregate:`). */
export interface SourcePos {
  line: number;
  column: number;
}

/** Which part of a template a position or problem belongs to. */
export type TemplatePart = 'search' | 'filter' | 'aggregate' | 'template';

// ---- search -------------------------------------------------------------------------------------

export type SearchNode = OrNode | AndNode | NotNode | MatchAllNode | ClauseNode;

/** `a OR b OR c`; always two or more operands (a chain at one level, parentheses nest). */
export interface OrNode {
  kind: 'or';
  operands: SearchNode[];
}

/** `a AND b`, or `a b` (juxtaposition means AND); always two or more operands. */
export interface AndNode {
  kind: 'and';
  operands: SearchNode[];
}

export interface NotNode {
  kind: 'not';
  operand: SearchNode;
}

/** `*` alone (also `filter: *`): every document. */
export interface MatchAllNode {
  kind: 'match_all';
}

/** `field:value`; `pos` is where the field name starts. */
export interface ClauseNode {
  kind: 'clause';
  field: string;
  value: ClauseValue;
  pos: SourcePos;
}

export type ClauseValue = TermValue | PhraseValue | WildcardValue | CompareValue | RangeValue | VariableValue;

/** A bare word: `level:ERROR`, `http_status:500` (the text as written; numbers are checked, not converted). */
export interface TermValue {
  kind: 'term';
  text: string;
}

/** A "quoted string", unescaped (`\"` → `"`, `\\` → `\`; other backslashes are kept). Never a wildcard. */
export interface PhraseValue {
  kind: 'phrase';
  text: string;
}

/** A bare word containing `*` or `?`; `field:*` means "the field has a value". */
export interface WildcardValue {
  kind: 'wildcard';
  pattern: string;
}

export type CompareOp = '>' | '>=' | '<' | '<=';

/** `field:>5000`, `field:<= 2.5`. */
export interface CompareValue {
  kind: 'compare';
  op: CompareOp;
  value: number;
}

/** `[a TO b]`, both ends inclusive. */
export interface RangeValue {
  kind: 'range';
  from: RangeBound;
  to: RangeBound;
}

/** A number, an ISO-8601 date (timestamp fields only, checked later), or `*` for an open end. */
export type RangeBound = { kind: 'number'; value: number } | { kind: 'date'; text: string } | { kind: 'unbounded' };

/** `{{name}}`: bound per execution from the query's `variables` (SPEC §7.3). */
export interface VariableValue {
  kind: 'variable';
  name: string;
}

// ---- aggregation --------------------------------------------------------------------------------

export type Bucket = TermsBucket | DateHistogramBucket;

/** `terms(field[, size=N])`; `size` null means the adapter's default. */
export interface TermsBucket {
  kind: 'terms';
  field: string;
  size: number | null;
  pos: SourcePos;
}

/** `30s`, `1m`, `1h`: a whole number ≥ 1 and a unit. */
export interface Interval {
  value: number;
  unit: 's' | 'm' | 'h';
  seconds: number;
}

export interface DateHistogramBucket {
  kind: 'date_histogram';
  field: string;
  interval: Interval;
  pos: SourcePos;
}

export type Metric = CountMetric | FieldMetric | PercentileMetric;

/** `count()`, also what a pipeline without a metric computes: the documents per bucket. */
export interface CountMetric {
  kind: 'count';
}

export interface FieldMetric {
  kind: 'avg' | 'min' | 'max' | 'sum';
  field: string;
  pos: SourcePos;
}

/** `percentile(field, p)`, p as written (checked to be in (0, 100]). */
export interface PercentileMetric {
  kind: 'percentile';
  field: string;
  p: number;
  pos: SourcePos;
}

// ---- templates ----------------------------------------------------------------------------------

/** A `type: search` template. */
export interface SearchTemplate {
  kind: 'search';
  query: SearchNode;
}

/**
 * A `type: aggregation` template: `filter:` (match_all when the line is absent) and
 * `aggregate: bucket (> bucket)* [> metric]`; buckets nest left to right, the metric (count when not written)
 * is computed in the innermost bucket.
 */
export interface AggregationTemplate {
  kind: 'aggregation';
  filter: SearchNode;
  buckets: Bucket[];
  metric: Metric;
}

export type Template = SearchTemplate | AggregationTemplate;
