// Load-time validation of one template query in a single call: parse, schema checks, variables.
// Must not attach document paths (the caller does) and must not throw for user mistakes.

import type { Template } from './ast.js';
import type { TemplateField } from './check-template.js';
import { checkTemplate } from './check-template.js';
import type { TemplateQueryType } from './parse-template.js';
import { parseTemplate } from './parse-template.js';
import type { TemplateVariable } from './variables.js';
import { variablesOf } from './variables.js';

export interface TemplateAnalysis {
  /** The AST when the template parsed (even if schema checks found problems), else null. */
  template: Template | null;
  /** Syntax errors, or else schema problems; each one line with part and column. */
  problems: string[];
  /** The `{{var}}` uses when the template parsed, else null (unknown). */
  variables: TemplateVariable[] | null;
}

export function analyseTemplate(type: TemplateQueryType, text: string, fields: readonly TemplateField[]): TemplateAnalysis {
  const parsed = parseTemplate(type, text);
  if (!parsed.ok) return { template: null, problems: parsed.errors.map((e) => e.message), variables: null };
  return { template: parsed.template, problems: checkTemplate(parsed.template, fields), variables: variablesOf(parsed.template) };
}
