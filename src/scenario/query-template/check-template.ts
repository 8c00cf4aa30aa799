// Schema-aware checks of a parsed template (SPEC §7.2): fields exist, and each field's type suits how it
// is used. Returns problem strings; must not know document paths or targets, and must not throw.

import { isIP } from 'node:net';
import type { Bucket, ClauseNode, Metric, RangeBound, SearchNode, Template, TemplatePart } from './ast.js';
import type { FieldType } from '../schema.js';
import { didYouMean } from '../suggest.js';
import { parseNumber } from './search-parser.js';
import { locate } from './template-error.js';

/** A schema field as the checks see it. */
export interface TemplateField {
  name: string;
  type: FieldType;
}

const NUMERIC: readonly FieldType[] = ['int', 'long', 'float'];
const ORDERED: readonly FieldType[] = ['int', 'long', 'float', 'timestamp'];
const WHOLE: readonly FieldType[] = ['int', 'long'];
const ORDERED_TYPES = 'an int, long, float or timestamp field';
const VARIABLE_IN_TEXT = /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/;

/** Every problem of the template against the schema fields, each one line, prefixed with part and column. */
export function checkTemplate(template: Template, fields: readonly TemplateField[]): string[] {
  const schema = new Schema(fields);
  const problems: string[] = [];
  if (template.kind === 'search') {
    checkSearch(template.query, 'search', schema, problems);
  } else {
    checkSearch(template.filter, 'filter', schema, problems);
    for (const b of template.buckets) checkBucket(b, schema, problems);
    checkMetric(template.metric, schema, problems);
  }
  return problems;
}

class Schema {
  private readonly byName: Map<string, TemplateField>;
  constructor(readonly fields: readonly TemplateField[]) {
    this.byName = new Map(fields.map((f) => [f.name, f]));
  }

  /** The field, or null after reporting it as unknown. */
  field(name: string, where: string, problems: string[]): TemplateField | null {
    const f = this.byName.get(name);
    if (f) return f;
    problems.push(`${where}unknown field ${JSON.stringify(name)}${didYouMean(name, this.byName.keys())}; `
      + 'expected a field of the schema');
    return null;
  }
}

function checkSearch(node: SearchNode, part: TemplatePart, schema: Schema, problems: string[]): void {
  switch (node.kind) {
    case 'or':
    case 'and':
      for (const o of node.operands) checkSearch(o, part, schema, problems);
      return;
    case 'not':
      checkSearch(node.operand, part, schema, problems);
      return;
    case 'match_all':
      return;
    case 'clause':
      checkClause(node, part, schema, problems);
  }
}

function checkClause(c: ClauseNode, part: TemplatePart, schema: Schema, problems: string[]): void {
  const where = locate(part, c.pos);
  const f = schema.field(c.field, where, problems);
  if (!f) return;
  const field = JSON.stringify(f.name);
  const v = c.value;
  switch (v.kind) {
    case 'variable':
      return;
    case 'compare':
      if (!ORDERED.includes(f.type)) problems.push(`${where}"${v.op}" on ${f.type} field ${field}; expected ${ORDERED_TYPES}`);
      return;
    case 'range':
      if (!ORDERED.includes(f.type)) {
        problems.push(`${where}range on ${f.type} field ${field}; expected ${ORDERED_TYPES}`);
        return;
      }
      for (const b of [v.from, v.to]) {
        if (b.kind === 'date' && f.type !== 'timestamp') {
          problems.push(`${where}range bound ${JSON.stringify(b.text)} is a date, but ${field} is ${article(f.type)} field; expected a number`);
          return;
        }
      }
      if (boundValue(v.from) > boundValue(v.to)) {
        problems.push(`${where}empty range: ${boundText(v.from)} is greater than ${boundText(v.to)}; expected the lower bound first`);
      }
      return;
    case 'wildcard':
      if (f.type !== 'keyword' && f.type !== 'text') {
        problems.push(`${where}wildcard ${JSON.stringify(v.pattern)} on ${f.type} field ${field}; expected a keyword or text field`);
      }
      return;
    case 'term':
    case 'phrase': {
      if (v.kind === 'phrase' && VARIABLE_IN_TEXT.test(v.text)) {
        problems.push(`${where}variables are not replaced inside quotes (${JSON.stringify(v.text)}); expected `
          + `${f.name}:{{name}} without quotes`);
        return;
      }
      const problem = valueProblem(v.text, f);
      if (problem) problems.push(`${where}${problem}`);
    }
  }
}

/** What is wrong with an exact-match value for this field's type, or null. */
function valueProblem(text: string, f: TemplateField): string | null {
  const value = JSON.stringify(text);
  const field = JSON.stringify(f.name);
  switch (f.type) {
    case 'timestamp':
      return `exact match on timestamp field ${field}; expected a comparison (>, >=, <, <=) or a [a TO b] range`;
    case 'int':
    case 'long':
    case 'float': {
      const n = parseNumber(text);
      if (n === null) return `${value} is not a number, but ${field} is ${article(f.type)} field; expected a number`;
      if (WHOLE.includes(f.type) && !Number.isInteger(n)) {
        return `${value} is not a whole number, but ${field} is ${article(f.type)} field; expected a whole number`;
      }
      return null;
    }
    case 'boolean':
      return text === 'true' || text === 'false' ? null
        : `${value} is not a boolean, but ${field} is a boolean field; expected true or false`;
    case 'ip':
      return isIpOrCidr(text) ? null
        : `${value} is not an IP address, but ${field} is an ip field; expected e.g. 10.0.0.1 or 10.0.0.0/8`;
    default:
      return null;
  }
}

/** `an int`, `a keyword`. */
function article(type: FieldType): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function isIpOrCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return isIP(text) !== 0;
  const version = isIP(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  return version !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

function boundValue(b: RangeBound): number {
  if (b.kind === 'number') return b.value;
  if (b.kind === 'date') return Date.parse(b.text);
  return Number.NaN; // an open end never makes a range empty (NaN compares false)
}

function boundText(b: RangeBound): string {
  return b.kind === 'number' ? String(b.value) : b.kind === 'date' ? b.text : '*';
}

function checkBucket(b: Bucket, schema: Schema, problems: string[]): void {
  const where = locate('aggregate', b.pos);
  const f = schema.field(b.field, where, problems);
  if (b.kind === 'terms') {
    if (f && f.type === 'text') {
      problems.push(`${where}terms on text field ${JSON.stringify(f.name)}; expected a keyword, number, ip, boolean or `
        + 'timestamp field (text fields cannot be bucketed)');
    }
    if (b.size !== null && !(Number.isInteger(b.size) && b.size >= 1)) {
      problems.push(`${where}terms size ${b.size}; expected a whole number ≥ 1`);
    }
    return;
  }
  if (f && f.type !== 'timestamp') {
    const ts = schema.fields.find((x) => x.type === 'timestamp');
    problems.push(`${where}date_histogram on ${f.type} field ${JSON.stringify(f.name)}; expected a timestamp field`
      + (ts ? `, e.g. ${JSON.stringify(ts.name)}` : ''));
  }
}

function checkMetric(m: Metric, schema: Schema, problems: string[]): void {
  if (m.kind === 'count') return;
  const where = locate('aggregate', m.pos);
  const f = schema.field(m.field, where, problems);
  if (f && !NUMERIC.includes(f.type)) {
    problems.push(`${where}${m.kind} on ${f.type} field ${JSON.stringify(f.name)}; expected an int, long or float field`);
  }
  if (m.kind === 'percentile' && !(m.p > 0 && m.p <= 100)) {
    problems.push(`${where}percentile ${m.p} is out of range; expected 0 < p ≤ 100`);
  }
}
