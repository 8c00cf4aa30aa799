// The query template language of SPEC §7.2 (parser, AST, schema checks, variables, sort specs): the
// public face of this folder. Must not hold logic of its own.

export type * from './ast.js';
export { analyseTemplate } from './analyse-template.js';
export type { TemplateAnalysis } from './analyse-template.js';
export { checkTemplate } from './check-template.js';
export type { TemplateField } from './check-template.js';
export { parseAggregationTemplate, parseSearchTemplate, parseTemplate } from './parse-template.js';
export type { ParseTemplateResult, TemplateQueryType } from './parse-template.js';
export { checkSort, parseSortSpec } from './sort-spec.js';
export type { SortSpec } from './sort-spec.js';
export type { TemplateParseError } from './template-error.js';
export { variablesOf } from './variables.js';
export type { TemplateVariable } from './variables.js';
