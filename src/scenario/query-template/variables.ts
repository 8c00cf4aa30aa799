// Lists the `{{var}}` placeholders of a parsed template with the field each is compared with (SPEC §7.3,
// the default field of `recently_ingested`). Must not bind values or judge whether a variable is defined.

import type { SearchNode, SourcePos, Template, TemplatePart } from './ast.js';

export interface TemplateVariable {
  name: string;
  /** The field of the clause `field:{{name}}`. */
  field: string;
  part: TemplatePart;
  pos: SourcePos;
}

/** Every occurrence, in reading order (a variable used twice appears twice). */
export function variablesOf(template: Template): TemplateVariable[] {
  const out: TemplateVariable[] = [];
  if (template.kind === 'search') collect(template.query, 'search', out);
  else collect(template.filter, 'filter', out);
  return out;
}

function collect(node: SearchNode, part: TemplatePart, out: TemplateVariable[]): void {
  switch (node.kind) {
    case 'or':
    case 'and':
      for (const o of node.operands) collect(o, part, out);
      return;
    case 'not':
      collect(node.operand, part, out);
      return;
    case 'clause':
      if (node.value.kind === 'variable') out.push({ name: node.value.name, field: node.field, part, pos: node.pos });
      return;
    case 'match_all':
      return;
  }
}
