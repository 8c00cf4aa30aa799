// Entry point of template parsing (SPEC §7.2): a search, or `filter:` and `aggregate:` lines, into the
// typed AST; every syntax error is a value naming the part and column. Must not look at the schema.

import { parseAggregate } from './aggregate-parser.js';
import type { AggregationTemplate, SearchNode, SearchTemplate, Template } from './ast.js';
import { parseSearch } from './search-parser.js';
import { didYouMean } from '../suggest.js';
import type { TemplateParseError } from './template-error.js';
import { locate } from './template-error.js';

export type TemplateQueryType = 'search' | 'aggregation';

export type ParseTemplateResult<T extends Template = Template> =
  | { ok: true; template: T }
  | { ok: false; errors: TemplateParseError[] };

const LABELS = ['filter', 'aggregate'] as const;
const LABELLED_LINE = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$/s;
const AGGREGATE_LINE = /^\s*aggregate\s*:\s*(terms|date_histogram|count|avg|min|max|sum|percentile)\s*\(/;
const AGGREGATE_INSIDE = /(^|\s)aggregate\s*:/;

/** Parses a template of a `type: search` or `type: aggregation` query. */
export function parseTemplate(type: TemplateQueryType, text: string): ParseTemplateResult {
  return type === 'search' ? parseSearchTemplate(text) : parseAggregationTemplate(text);
}

/** A search template; columns count from the start of the text (lines too, when it has several). */
export function parseSearchTemplate(text: string): ParseTemplateResult<SearchTemplate> {
  const lines = text.split(/\r?\n/);
  const misplaced = lines.findIndex((l) => AGGREGATE_LINE.test(l));
  if (misplaced >= 0) {
    return failed([error('search', { line: misplaced + 1, column: 1 },
      '"aggregate:" belongs to type: aggregation queries; this query is type: search')]);
  }
  const r = parseSearch(text);
  return r.ok ? { ok: true, template: { kind: 'search', query: r.node } } : failed([error('search', r.pos, r.reason)]);
}

/**
 * An aggregation template: one `filter: <search>` line (optional; match_all when absent) and one
 * `aggregate: <pipeline>` line, blank lines ignored. Columns count from the first character after the label.
 */
export function parseAggregationTemplate(text: string): ParseTemplateResult<AggregationTemplate> {
  const errors: TemplateParseError[] = [];
  const seen = new Map<string, number>();
  let filter: SearchNode | null = null;
  let pipeline: Omit<AggregationTemplate, 'kind' | 'filter'> | null = null;
  let aggregateInFilter = false;

  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '') return;
    const m = LABELLED_LINE.exec(line);
    const label = m?.[1];
    if (!m || (label !== 'filter' && label !== 'aggregate')) {
      const hint = label !== undefined ? didYouMean(label, LABELS) : '';
      errors.push(lineError(lineNo, `expected a line "filter: <search>" or "aggregate: <pipeline>", found `
        + `${JSON.stringify(line)}${hint}`));
      return;
    }
    if (seen.has(label)) {
      errors.push(lineError(lineNo, `a second "${label}:" line (the first is line ${seen.get(label)}); expected one `
        + 'filter: line and one aggregate: line'));
      return;
    }
    seen.set(label, lineNo);
    const body = m[2]!;
    if (label === 'filter') {
      const inside = AGGREGATE_INSIDE.exec(body);
      if (inside) {
        aggregateInFilter = true;
        const column = Array.from(body.slice(0, inside.index + inside[1]!.length)).length + 1;
        errors.push(error('filter', { line: 1, column }, '"aggregate:" must start its own line; write the '
          + 'template as a YAML block (template: |) with filter: and aggregate: on separate lines'));
        return;
      }
      const r = parseSearch(body);
      if (r.ok) filter = r.node;
      else errors.push(error('filter', r.pos, r.reason));
    } else {
      const r = parseAggregate(body);
      if (r.ok) pipeline = r.pipeline;
      else errors.push(error('aggregate', r.pos, r.reason));
    }
  });

  if (!seen.has('aggregate') && !aggregateInFilter) {
    errors.push({ part: 'template', pos: null,
      message: 'missing the "aggregate:" line; expected e.g. aggregate: terms(service)' });
  }
  if (errors.length > 0 || pipeline === null) return failed(errors);
  const p: Omit<AggregationTemplate, 'kind' | 'filter'> = pipeline;
  return { ok: true, template: { kind: 'aggregation', filter: filter ?? { kind: 'match_all' }, ...p } };
}

function error(part: TemplateParseError['part'], pos: TemplateParseError['pos'], reason: string): TemplateParseError {
  return { part, pos, message: `${locate(part, pos)}${reason}` };
}

function lineError(line: number, reason: string): TemplateParseError {
  return { part: 'template', pos: { line, column: 1 }, message: `line ${line}: ${reason}` };
}

function failed(errors: TemplateParseError[]): { ok: false; errors: TemplateParseError[] } {
  return { ok: false, errors };
}
